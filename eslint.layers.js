// The layers of DESIGN.md and which layers each may import. Lower layers never import
// higher ones; `model/` and `engine/` are pure (no Node built-ins, no I/O).
// eslint.config.js turns this table into `no-restricted-imports` rules per folder.

/** layer → layers it may import (besides itself). */
export const LAYERS = {
  model: [],
  engine: ['model'],
  api: ['model'],
  dataplane: ['model', 'engine'],
  store: ['model', 'api'],
  sources: ['model', 'api', 'store'],
  lab: ['model', 'engine', 'dataplane'],
  agent: ['model', 'engine', 'api', 'dataplane', 'store', 'sources'],
  server: ['model', 'engine', 'api', 'store'],
  cli: ['model', 'engine', 'api', 'dataplane', 'store', 'sources', 'lab', 'agent', 'server'],
  main: ['model', 'engine', 'api', 'dataplane', 'store', 'sources', 'lab', 'agent', 'server', 'cli'],
};

/** Layers that must run unchanged in Node and in the browser. */
export const PURE = ['model', 'engine'];

const NODE_BUILTINS = ['node:*', 'fs', 'fs/*', 'path', 'os', 'child_process', 'net', 'http', 'https', 'process', 'crypto', 'stream', 'url', 'util', 'events', 'dgram', 'worker_threads'];

export function layerRules() {
  const all = Object.keys(LAYERS);
  return all.map((layer) => {
    const forbidden = all.filter((other) => other !== layer && !LAYERS[layer].includes(other));
    const patterns = [];
    if (forbidden.length > 0) patterns.push({
        // Relative imports that climb into a forbidden layer, e.g. '../engine/x.ts'.
        group: forbidden.flatMap((f) => [`../${f}/*`, `../../${f}/*`, `../../../${f}/*`, `**/src/${f}/*`]),
        message: `layer '${layer}' may import only: ${LAYERS[layer].join(', ') || 'nothing'} (see eslint.layers.js, DESIGN.md)`,
    });
    if (PURE.includes(layer)) {
      patterns.push({ group: NODE_BUILTINS, message: `layer '${layer}' is pure: no Node built-ins, no I/O (DESIGN.md)` });
    }
    if (patterns.length === 0) return { files: [`src/${layer}/**/*.ts`] };
    return {
      files: [`src/${layer}/**/*.ts`],
      ignores: [`src/${layer}/**/*.test.ts`],
      rules: { 'no-restricted-imports': ['error', { patterns }] },
    };
  });
}
