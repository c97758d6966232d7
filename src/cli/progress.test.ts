// Progress is drawn only on a terminal, throttled, always shows completion, and is erased.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createProgress } from './progress.ts';

function sink(isTTY: boolean): Writable & { isTTY: boolean; text: () => string } {
  const chunks: string[] = [];
  const w = new Writable({ write(chunk: Buffer, _enc, cb) { chunks.push(chunk.toString()); cb(); } });
  return Object.assign(w, { isTTY, text: () => chunks.join('') });
}

test('quiet when the stream is not a terminal', () => {
  const s = sink(false);
  const p = createProgress({ stream: s, label: 'matrix' });
  p.update(1, 2);
  p.update(2, 2);
  p.finish();
  assert.equal(s.text(), '');
});

test('throttled redraws, the final count always drawn, then erased', () => {
  const s = sink(true);
  let clock = 0;
  const p = createProgress({ stream: s, label: 'matrix', intervalMs: 100, now: () => clock });
  p.update(1, 4);
  clock = 50;
  p.update(2, 4); // within the interval: skipped
  clock = 150;
  p.update(3, 4);
  clock = 160;
  p.update(4, 4); // completion is drawn even inside the interval
  p.finish();
  assert.equal(s.text(), '\r\x1b[Kmatrix: 1/4 (25%)\r\x1b[Kmatrix: 3/4 (75%)\r\x1b[Kmatrix: 4/4 (100%)\r\x1b[K');
});

test('finish without any update writes nothing', () => {
  const s = sink(true);
  createProgress({ stream: s, label: 'x' }).finish();
  assert.equal(s.text(), '');
});
