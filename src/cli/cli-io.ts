// The process streams and environment a CLI run may use. main/ passes the real ones;
// tests pass in-memory streams, so no CLI module reaches for process.* itself.

export interface CliIo {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  readonly stdin: NodeJS.ReadableStream;
  readonly env: NodeJS.ProcessEnv;
}
