// Times parseText (what `palisade validate|eval|matrix -f` spends reading text) on a
// generated cluster written three ways: multi-document YAML, one YAML List (`kubectl
// get -o yaml`) and one JSON List (`kubectl get -o json`); then the line maps of 1000
// documents, which `yaml` reads on first use. With --reference, also parseTextWithYaml
// (every document through the `yaml` library, which parseText hands only what js-yaml
// might read differently; slow: about 1 minute for 150k). Run node with --expose-gc for
// heap numbers.
//
//   node --expose-gc scripts/bench/parse-text-bench.ts [--size 1k|10k|150k] [--reference]
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { parseText, parseTextWithYaml } from '../../src/api/parse-text.ts';
import { CLUSTER_SIZES, generateCluster, isSizeName } from './generate-cluster.ts';
import { gcAvailable, measure } from './measure.ts';

const { values } = parseArgs({ options: { size: { type: 'string' }, reference: { type: 'boolean' } }, strict: true });
const size = values.size ?? '150k';
if (!isSizeName(size)) {
  process.stderr.write(`parse-text-bench: unknown size ${size} (known: ${Object.keys(CLUSTER_SIZES).join(', ')})\n`);
  process.exit(2);
}
const out = (line: string): void => {
  process.stdout.write(`${line}\n`);
};
if (!gcAvailable()) out('note: run node with --expose-gc for heap numbers after GC');

const objects = generateCluster(CLUSTER_SIZES[size]).documents.map((d) => d.object);
const forms: Array<[string, () => string]> = [
  ['multi-document YAML', () => objects.map((o) => stringify(o)).join('---\n')],
  // Without aliasDuplicateObjects, `yaml` writes objects the generator shares as anchors and aliases across items.
  ['YAML List', () => stringify({ apiVersion: 'v1', kind: 'List', items: objects }, { aliasDuplicateObjects: false })],
  ['JSON List', () => `${JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }, null, 4)}\n`],
];
out(`parseText on a generated ${size} cluster: ${objects.length} objects; node ${process.version}`);
for (const [name, render] of forms) {
  const text = render();
  const mb = text.length / 2 ** 20;
  const readers: Array<[string, typeof parseText]> = [['parseText', parseText]];
  if (values.reference === true) readers.push(['parseTextWithYaml', parseTextWithYaml]);
  for (const [label, read] of readers) {
    const m = measure(() => read(text, 'bench.yaml'));
    const { documents, problems } = m.value;
    if (problems.length > 0 || documents.length !== objects.length) throw new Error(`${label} on ${name}: ${problems.length} problems, ${documents.length} documents`);
    const heap = m.after.heapUsedMB - m.before.heapUsedMB;
    out(`${name.padEnd(20)} ${mb.toFixed(1).padStart(6)} MB  ${label.padEnd(18)} ${(m.ms / 1000).toFixed(2).padStart(6)} s  ${(mb / (m.ms / 1000)).toFixed(1).padStart(6)} MB/s  heap kept ${heap.toFixed(0).padStart(5)} MB`);
    if (label === 'parseText') {
      const step = Math.max(1, Math.floor(documents.length / 1000));
      const sample = documents.filter((_, i) => i % step === 0).slice(0, 1000);
      const lines = measure(() => sample.reduce((n, d) => n + (d.lines?.get('metadata.name') ?? 0), 0));
      out(`${''.padEnd(20)} ${''.padStart(6)}     line maps of ${sample.length} documents: ${lines.ms.toFixed(0)} ms`);
    }
  }
}
