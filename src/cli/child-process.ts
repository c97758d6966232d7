// Waiting for a foreground child (`palisade up`, `palisade agent` run their main/ entry as
// a child, since cli may not import main/): SIGINT and SIGTERM sent to us are passed on,
// and we wait for the child to finish its own cleanup.
import type { ChildProcess } from 'node:child_process';

/** Resolves with the child's exit code, or 128 + 2 when a signal ended it, 1 when neither is known. */
export async function waitForwardingSignals(child: ChildProcess): Promise<number> {
  const forward = (signal: NodeJS.Signals) => (): void => { child.kill(signal); };
  const onInt = forward('SIGINT');
  const onTerm = forward('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  try {
    return await new Promise<number>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (c, signal) => resolve(c ?? (signal === null ? 1 : 128 + 2)));
    });
  } finally {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
  }
}
