// sameList(): two lists hold the very same objects in the same order. The incremental paths
// (recompile, the planner, delta, the kubelet) use it to tell "unchanged" cheaply: an object
// kept from one snapshot to the next is the same reference.

export function sameList<T>(a: readonly T[], b: readonly T[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
