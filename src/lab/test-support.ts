// Shared by the lab's root-only tests: why they skip here (not root, no `ip`), a fresh
// state directory, a lab left behind by a creator killed with SIGKILL, and the teardown
// check that no namespace of the lab survived.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { labSupport, listNetns } from './netns.ts';

/** `false` when the lab can run, else the skip message. */
export async function labSkipReason(): Promise<string | false> {
  const s = await labSupport();
  return s.ok ? false : `lab tests need root and iproute2: ${s.reasons.join('; ')}`;
}

/** A fresh, empty directory; destroyLab() removes it once it has emptied it. */
export function tempStateDir(tag: string): string {
  return mkdtempSync(join(tmpdir(), `palisade-lab-${tag}-`));
}

export async function assertNoNetnsLeft(prefix: string): Promise<void> {
  const left = (await listNetns()).filter((n) => n.startsWith(prefix));
  assert.deepEqual(left, [], `namespaces of lab ${prefix}* left behind`);
}

/**
 * Builds a lab in a child process and kills it with SIGKILL once built, so the lab is left
 * exactly as a crash leaves it. `imports` names what the script takes from this folder's
 * modules (e.g. `{ 'topology.ts': ['createLab'] }`); `build` is the body of an ES module
 * that must leave the built lab in `const lab`. Resolves with the lab's prefix.
 */
export async function crashLabCreator(imports: Readonly<Record<string, readonly string[]>>, build: string): Promise<string> {
  const lines = Object.entries(imports).map(([file, names]) =>
    `import { ${names.join(', ')} } from ${JSON.stringify(pathToFileURL(new URL(`./${file}`, import.meta.url).pathname).href)};`);
  const script = `${lines.join('\n')}\n${build}\nconsole.log('READY ' + lab.prefix);\nsetInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const prefix = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /READY (\S+)/.exec(out);
      if (m?.[1] !== undefined) resolve(m[1]);
    });
    child.on('exit', (code) => reject(new Error(`lab creator exited early (${code})`)));
  });
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  return prefix;
}
