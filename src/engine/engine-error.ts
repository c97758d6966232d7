// The engine's one error type: bad input it cannot judge (an unknown pod in a flow, a
// policy naming an unknown tier, an unparsable CIDR). `problems` lists every issue found.
export class EngineError extends Error {
  readonly problems: readonly string[];

  constructor(message: string, problems: readonly string[] = [message]) {
    super(problems.length > 1 ? `${message}:\n  - ${problems.join('\n  - ')}` : message);
    this.name = 'EngineError';
    this.problems = problems;
  }
}
