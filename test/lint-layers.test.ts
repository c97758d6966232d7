// The layering of DESIGN.md is enforced by lint: these cases prove a wrong-layer import
// or an impure import in model/ or engine/ is an error, and an allowed one is not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ESLint } from 'eslint';

const eslint = new ESLint({ cwd: new URL('..', import.meta.url).pathname });

const cases: Array<{ name: string; file: string; code: string; fails: boolean }> = [
  { name: 'model may not import engine', file: 'src/model/x.ts', code: "import { a } from '../engine/a.ts';\nexport const b = a;\n", fails: true },
  { name: 'engine may not import api', file: 'src/engine/x.ts', code: "import { a } from '../api/a.ts';\nexport const b = a;\n", fails: true },
  { name: 'engine is pure: no node:fs', file: 'src/engine/x.ts', code: "import { readFileSync } from 'node:fs';\nexport const b = readFileSync;\n", fails: true },
  { name: 'api may not import cli', file: 'src/api/x.ts', code: "import { a } from '../cli/a.ts';\nexport const b = a;\n", fails: true },
  { name: 'engine may import model', file: 'src/engine/x.ts', code: "import { a } from '../model/a.ts';\nexport const b = a;\n", fails: false },
  { name: 'cli may import engine and api', file: 'src/cli/x.ts', code: "import { a } from '../engine/a.ts';\nimport { c } from '../api/c.ts';\nexport const b = [a, c];\n", fails: false },
];

for (const c of cases) {
  test(`layering: ${c.name}`, async () => {
    const [result] = await eslint.lintText(c.code, { filePath: c.file });
    const layerErrors = (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports');
    assert.equal(layerErrors.length > 0, c.fails, JSON.stringify(result?.messages));
  });
}
