// Labels as the model sees them: an immutable string map, already validated at the edge.
export type Labels = Readonly<Record<string, string>>;

/** A canonical text of a label set: equal for equal sets, whatever the keys' order. */
export function labelsKey(labels: Readonly<Record<string, string>>): string {
  const keys = Object.keys(labels);
  if (keys.length > 1) keys.sort();
  let out = '';
  for (const k of keys) out += `${k}\u0001${labels[k] ?? ''}\u0002`;
  return out;
}
