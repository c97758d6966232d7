// `label` arguments (`k=v` sets, `k-` removes) and what they do to an object's labels,
// with kubectl's rules and messages (k8s.io/kubectl/pkg/cmd/label/label.go). Pure.
import { CliError } from '../cli-error.ts';

export interface LabelChanges {
  readonly set: ReadonlyArray<readonly [string, string]>;
  readonly remove: readonly string[];
}

// metav1 validation: an optional DNS-subdomain prefix and a name of at most 63 characters.
const LABEL_NAME = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

export function isLabelArg(word: string): boolean {
  return word.includes('=') || word.endsWith('-');
}

export function parseLabelArgs(words: readonly string[]): LabelChanges {
  const set: Array<[string, string]> = [];
  const remove: string[] = [];
  for (const w of words) {
    if (w.includes('=')) {
      const eq = w.indexOf('=');
      const key = w.slice(0, eq);
      const value = w.slice(eq + 1);
      if (!LABEL_NAME.test(key) || key.length > 317 || !LABEL_VALUE.test(value) || value.includes('=')) {
        throw new CliError(`invalid label spec: ${w}`, 1);
      }
      set.push([key, value]);
    } else if (w.endsWith('-')) {
      remove.push(w.slice(0, -1));
    } else {
      throw new CliError(`invalid label spec: ${w}`, 1);
    }
  }
  if (set.length === 0 && remove.length === 0) throw new CliError('at least one label update is required');
  for (const k of remove) {
    if (set.some(([s]) => s === k)) throw new CliError(`can not both modify and remove a label in the same command`);
  }
  return { set, remove };
}

export interface LabelResult {
  readonly labels: Readonly<Record<string, string>>;
  /** The merge patch of metadata.labels (`null` removes). */
  readonly patch: Readonly<Record<string, string | null>>;
  /** `labeled`, `unlabeled` or `not labeled`, as kubectl reports. */
  readonly message: 'labeled' | 'unlabeled' | 'not labeled';
  /** Keys asked to be removed that the object did not have (kubectl: `label "k" not found.`). */
  readonly notFound: readonly string[];
}

/** Applies the changes; throws kubectl's error when a value would change without --overwrite. */
export function applyLabelChanges(current: Readonly<Record<string, string>>, changes: LabelChanges, overwrite: boolean): LabelResult {
  if (!overwrite) {
    for (const [k, v] of changes.set) {
      const old = current[k];
      if (old !== undefined && old !== v) throw new CliError(`'${k}' already has a value (${old}), and --overwrite is false`, 1);
    }
  }
  const labels: Record<string, string> = { ...current };
  const patch: Record<string, string | null> = {};
  const notFound: string[] = [];
  for (const k of changes.remove) {
    if (labels[k] === undefined) {
      notFound.push(k);
      continue;
    }
    delete labels[k];
    patch[k] = null;
  }
  for (const [k, v] of changes.set) {
    if (labels[k] !== v) patch[k] = v;
    labels[k] = v;
  }
  const before = JSON.stringify(current);
  const after = JSON.stringify(labels);
  let message: LabelResult['message'] = 'not labeled';
  if (Object.keys(patch).length > 0) message = !overwrite && after.length < before.length ? 'unlabeled' : 'labeled';
  return { labels, patch, message, notFound };
}
