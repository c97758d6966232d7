// transpose32 against a bit-by-bit transpose on random matrices.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { transpose32 } from './bit-transpose.ts';

test('transpose32: equals the naive transpose', () => {
  fc.assert(fc.property(fc.array(fc.nat({ max: 0xffffffff }), { minLength: 32, maxLength: 32 }), (rows) => {
    const a = Uint32Array.from(rows);
    transpose32(a);
    for (let r = 0; r < 32; r++) {
      for (let c = 0; c < 32; c++) assert.equal((a[c]! >>> r) & 1, (rows[r]! >>> c) & 1, `row ${r} col ${c}`);
    }
  }), { numRuns: 200 });
});
