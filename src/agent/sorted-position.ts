// Binary search in a list sorted by a string key (buildSnapshot sorts pods by key and
// policies by id): where the patches find, take out and put in one item.

/** Index of the item whose key is `key` in `list` (sorted by `keyOf`, code-unit order), or where it would go. */
export function sortedPosition<T>(list: readonly T[], key: string, keyOf: (item: T) => string): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (keyOf(list[mid] as T) < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
