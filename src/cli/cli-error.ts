// An error the user can fix (bad flag value, unknown pod, unreadable input): printed as
// one `error: ...` line, never with a stack trace.
import { EXIT } from './exit-codes.ts';

export class CliError extends Error {
  readonly exitCode: number;

  constructor(message: string, exitCode: number = EXIT.usage) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}
