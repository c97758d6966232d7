// Reads manifests from files, directories (recursively: *.yaml, *.yml, *.json, in
// sorted order) and '-' (stdin). Unreadable paths become problems; nothing throws.
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseText } from './parse-text.ts';
import type { Problem } from './problem.ts';
import type { SourceDocument } from './source-document.ts';

export const STDIN_SOURCE = '<stdin>';
const MANIFEST = /\.(ya?ml|json)$/i;

async function readStream(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks).toString('utf8');
}

async function manifestFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const out: string[] = [];
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await manifestFiles(p)));
    else if ((e.isFile() || e.isSymbolicLink()) && MANIFEST.test(e.name)) out.push(p);
  }
  return out;
}

function reason(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES') return 'permission denied';
  return err instanceof Error ? err.message : String(err);
}

export async function readInputs(paths: readonly string[], stdin: NodeJS.ReadableStream): Promise<{ documents: SourceDocument[]; problems: Problem[] }> {
  const documents: SourceDocument[] = [];
  const problems: Problem[] = [];
  const add = (text: string, source: string): void => {
    const r = parseText(text, source);
    // A loop, not push(...): spreading 150k documents overflows the call stack.
    for (const d of r.documents) documents.push(d);
    for (const p of r.problems) problems.push(p);
  };
  let stdinRead = false;
  for (const path of paths) {
    if (path === '-') {
      if (stdinRead) continue; // stdin can be read once; a second '-' adds nothing
      stdinRead = true;
      try {
        add(await readStream(stdin), STDIN_SOURCE);
      } catch (err) {
        problems.push({ source: STDIN_SOURCE, message: `cannot read: ${reason(err)}`, severity: 'error' });
      }
      continue;
    }
    try {
      const info = await stat(path);
      const files = info.isDirectory() ? await manifestFiles(path) : [path];
      if (info.isDirectory() && files.length === 0) {
        problems.push({ source: path, message: 'directory holds no *.yaml, *.yml or *.json files', severity: 'warning' });
      }
      for (const f of files) add(await readFile(f, 'utf8'), f);
    } catch (err) {
      problems.push({ source: path, message: `cannot read: ${reason(err)}`, severity: 'error' });
    }
  }
  return { documents, problems };
}
