// Exit codes are a contract scripts rely on (docs/cli.md): keep them stable.

export const EXIT = Object.freeze({
  /** Success: valid input, flow allowed, no connectivity change. */
  ok: 0,
  /** The answer is "no": invalid input (validate/explain), flow denied (eval), changes found (diff). */
  no: 1,
  /** Usage or input error: bad flag, unreadable or invalid input where the command needs valid input. */
  usage: 2,
  /** A bug in Palisade; the message starts with "internal error". */
  internal: 3,
});
