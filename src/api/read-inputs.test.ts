// readInputs: files, directories (recursive, manifest extensions only, sorted), stdin,
// and unreadable paths reported as problems instead of thrown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { readInputs } from './read-inputs.ts';

const ns = (name: string): string => `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${name}}\n`;
const names = (docs: ReadonlyArray<{ object: unknown }>): unknown[] => docs.map((d) => (d.object as { metadata: { name: string } }).metadata.name);

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'palisade-read-inputs-'));
  try { await fn(dir); } finally { await rm(dir, { recursive: true, force: true }); }
}

test('directory: recursive, *.yaml *.yml *.json only, sorted by path', async () => {
  await withDir(async (dir) => {
    await mkdir(join(dir, 'sub', 'deeper'), { recursive: true });
    await writeFile(join(dir, 'b.yaml'), ns('b'));
    await writeFile(join(dir, 'a.yml'), ns('a'));
    await writeFile(join(dir, 'README.md'), '# not a manifest: {');
    await writeFile(join(dir, 'sub', 'c.json'), JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'c' } }));
    await writeFile(join(dir, 'sub', 'deeper', 'd.YAML'), ns('d'));
    const r = await readInputs([dir], Readable.from([]));
    assert.deepEqual(r.problems, []);
    assert.deepEqual(names(r.documents), ['a', 'b', 'c', 'd']);
    assert.equal(r.documents[2]?.source, join(dir, 'sub', 'c.json'));
  });
});

test('stdin via "-", named <stdin>, read once', async () => {
  const r = await readInputs(['-', '-'], Readable.from([ns('x'), '---\n', ns('y')]));
  assert.deepEqual(r.problems, []);
  assert.deepEqual(names(r.documents), ['x', 'y']);
  assert.ok(r.documents.every((d) => d.source === '<stdin>'));
});

test('missing file: a problem, and the other inputs are still read', async () => {
  await withDir(async (dir) => {
    await writeFile(join(dir, 'ok.yaml'), ns('ok'));
    const missing = join(dir, 'nope.yaml');
    const r = await readInputs([missing, join(dir, 'ok.yaml')], Readable.from([]));
    assert.deepEqual(r.problems, [{ source: missing, message: 'cannot read: no such file or directory', severity: 'error' }]);
    assert.deepEqual(names(r.documents), ['ok']);
  });
});

test('a file given explicitly is read whatever its extension; parse problems carry the path', async () => {
  await withDir(async (dir) => {
    const f = join(dir, 'manifest.txt');
    await writeFile(f, `${ns('a')}---\nkind: [\n`);
    const r = await readInputs([f], Readable.from([]));
    assert.deepEqual(names(r.documents), ['a']);
    assert.equal(r.problems.length > 0 && r.problems.every((p) => p.source === f && p.line !== undefined), true);
  });
});

test('empty directory: a warning', async () => {
  await withDir(async (dir) => {
    const r = await readInputs([dir], Readable.from([]));
    assert.deepEqual(r.documents, []);
    assert.deepEqual(r.problems.map((p) => p.severity), ['warning']);
  });
});

test('a file of 200k documents (more than push(...spread) can take) is read whole', async () => {
  await withDir(async (dir) => {
    const f = join(dir, 'big.json');
    const items = Array.from({ length: 200_000 }, (_, i) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: `n${i}` } }));
    await writeFile(f, JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
    const r = await readInputs([f], Readable.from([]));
    assert.deepEqual(r.problems, []);
    assert.equal(r.documents.length, 200_000);
    assert.equal(names(r.documents.slice(-1))[0], 'n199999');
  });
});
