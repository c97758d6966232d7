// Test support: texts with a few random edits (a character removed, or one of `edits`
// inserted), for the properties that the readers answer broken input as `yaml` would.
import fc from 'fast-check';

export function mutatedText(text: fc.Arbitrary<string>, edits: readonly string[], maxEdits: number): fc.Arbitrary<string> {
  return fc.tuple(text, fc.array(fc.tuple(fc.nat(), fc.nat(2), fc.constantFrom(...edits)), { minLength: 1, maxLength: maxEdits })).map(([t, ops]) => {
    let s = t;
    for (const [at, op, insert] of ops) {
      const i = at % (s.length + 1);
      s = op === 0 ? s.slice(0, i) + s.slice(i + 1) : s.slice(0, i) + insert + s.slice(i);
    }
    return s;
  });
}
