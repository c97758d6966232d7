// LayeredMap must behave as an immutable Map per version: random chains of sets and
// deletes (with versions branching off old ones, and logs long enough to be folded into
// the base) give, at every version, exactly the entries a plain Map copy would hold.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LayeredMap } from './layered-map.ts';

const opsArb = fc.array(fc.array(fc.tuple(fc.integer({ min: 0, max: 150 }), fc.option(fc.integer(), { nil: undefined })), { maxLength: 40 }), { minLength: 1, maxLength: 12 });

test('layered map: property — every version holds what a copied Map would, old versions unchanged', () => {
  fc.assert(fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 150 }), fc.integer()), { maxLength: 120 }), opsArb, fc.array(fc.nat(), { maxLength: 12 }), (start, batches, branchFrom) => {
    const versions: Array<{ got: LayeredMap<number, number>; want: Map<number, number> }> = [{ got: LayeredMap.of(new Map(start)), want: new Map(start) }];
    batches.forEach((batch, b) => {
      const base = versions[(branchFrom[b] ?? versions.length - 1) % versions.length] ?? versions[0];
      if (base === undefined) return;
      const want = new Map(base.want);
      for (const [k, v] of batch) {
        if (v === undefined) want.delete(k);
        else want.set(k, v);
      }
      versions.push({ got: base.got.with(batch), want });
    });
    for (const { got, want } of versions) {
      assert.equal(got.size, want.size);
      assert.deepEqual(new Map(got), want);
      for (let k = 0; k <= 150; k++) {
        assert.equal(got.get(k), want.get(k));
        assert.equal(got.has(k), want.has(k));
      }
    }
  }), { numRuns: 200 });
});

test('layered map: a long change log is folded into a new base, and the version before it stays as it was', () => {
  let m = LayeredMap.of(new Map([[0, 0]]));
  const versions = [m];
  for (let k = 1; k <= 500; k++) {
    m = m.with([[k, k]]);
    versions.push(m);
  }
  versions.forEach((v, k) => {
    assert.equal(v.size, k + 1);
    assert.equal(v.get(k), k);
    assert.equal(v.get(k + 1), undefined);
  });
});
