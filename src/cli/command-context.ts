// What every command's action receives: the I/O of this run and where to put its exit code.
import { Option } from 'commander';
import type { CliIo } from './cli-io.ts';

export interface CommandContext {
  readonly io: CliIo;
  /** Set by the action that ran; runCli returns it. */
  exitCode: number;
}

/** `-f, --filename`: repeatable, each taking one or more files, directories, or `-`. */
export function filenameOption(description = 'manifest files or directories to read, or - for stdin; repeatable'): Option {
  return new Option('-f, --filename <path...>', description).makeOptionMandatory();
}

