// What every command's action receives: the I/O of this run, the handlers that read its
// inputs (wired in main/), and where to put its exit code; and the options several
// commands share.
import { Option } from 'commander';
import type { DialectOptions, HandlerTable } from '../api/handlers.ts';
import type { CliIo } from './cli-io.ts';
import type { PolicyCidrMatchMode } from '../api/cilium/agent-flags.ts';
import { parseCiliumCidrMatchMode } from './option-values.ts';

/** What main/ hands the CLI: the concrete parts commands must not build themselves. */
export interface CliWiring {
  /** The kind handlers that read objects as engines configured with `options` do. */
  readonly handlers: (options: DialectOptions) => HandlerTable;
}

export interface CommandContext extends CliWiring {
  readonly io: CliIo;
  /** Set by the action that ran; runCli returns it. */
  exitCode: number;
}

/** `-f, --filename`: repeatable, each taking one or more files, directories, or `-`. */
export function filenameOption(description = 'manifest files or directories to read, or - for stdin; repeatable'): Option {
  return new Option('-f, --filename <path...>', description).makeOptionMandatory();
}

export const CILIUM_CIDR_MATCH_MODE_FLAG = '--cilium-policy-cidr-match-mode';

/** The flags of engine settings that change what policies mean, as commander parses them. */
export interface DialectFlags {
  /** `--cilium-policy-cidr-match-mode`, each occurrence as given. */
  readonly ciliumPolicyCidrMatchMode?: readonly string[];
}

/**
 * `--cilium-policy-cidr-match-mode MODES`: Cilium's agent option policy-cidr-match-mode, for
 * every command that reads Cilium policies. Repeatable; each value a comma list, as the
 * agent flag takes it. Checked by dialectOptions, in the action, like the other values.
 */
export function ciliumCidrMatchModeOption(): Option {
  return new Option(`${CILIUM_CIDR_MATCH_MODE_FLAG} <modes>`,
    'Cilium\'s policy-cidr-match-mode (cilium-config key) to read Cilium policies with: "nodes" lets CIDR rules match nodes and host-network pods; comma-separated, repeatable; default: none')
    .argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]);
}

/** The engine settings the flags ask for; a CliError (exit 2) naming the flag for a bad value. */
export function dialectOptions(flags: DialectFlags): DialectOptions {
  return ciliumDialect(parseCiliumCidrMatchMode(CILIUM_CIDR_MATCH_MODE_FLAG, flags.ciliumPolicyCidrMatchMode ?? []));
}

/** The engine settings of checked Cilium match modes (none: the defaults). */
export function ciliumDialect(modes: readonly PolicyCidrMatchMode[]): DialectOptions {
  return modes.length === 0 ? {} : { cilium: { policyCidrMatchMode: [...modes] } };
}

/** The handlers that read this command's inputs, as its dialect flags ask. */
export function inputHandlers(ctx: CliWiring, flags: DialectFlags): HandlerTable {
  return ctx.handlers(dialectOptions(flags));
}
