// Small stable hashes for deterministic generated names and addresses: the same input
// gives the same output on every run and platform (no randomness, no clock).

/** 32-bit FNV-1a over the UTF-16 code units of `text`. */
export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** The alphabet of Kubernetes' rand.SafeEncodeString: no vowels, no confusable characters. */
const SAFE = 'bcdfghjklmnpqrstvwxz2456789';

/** `length` characters of the safe alphabet derived from `text`, like a controller's random suffix. */
export function safeSuffix(text: string, length = 5): string {
  let out = '';
  let h = fnv1a32(text);
  for (let i = 0; i < length; i++) {
    if (i > 0 && i % 6 === 0) h = fnv1a32(`${text}#${i}`); // 27^6 < 2^32: refill after 6
    out += SAFE[h % SAFE.length];
    h = Math.floor(h / SAFE.length);
  }
  return out;
}

/** A pod-template-hash like the Deployment controller's: the decimal hash, each digit mapped to the safe alphabet. */
export function templateHash(text: string): string {
  return [...String(fnv1a32(text))].map((d) => SAFE[Number(d)] ?? 'b').join('');
}

/** JSON with object keys sorted, so equal objects hash equally whatever the key order. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const obj = value as Record<string, unknown>;
    return `{${Object.keys(obj).sort().map((k) => `${JSON.stringify(k)}:${stableJson(obj[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
