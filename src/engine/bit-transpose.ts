// In-place transpose of a 32×32 bit matrix held as 32 words (row r = word r, column c =
// bit c), by recursive block swaps (Hacker's Delight §7-3): 80 word operations instead of
// 1024 bit moves. The matrix uses it to turn per-destination rows into per-source rows.
export function transpose32(a: Uint32Array): void {
  let m = 0x0000ffff;
  for (let j = 16; j !== 0; j >>>= 1, m = (m ^ (m << j)) >>> 0) {
    for (let k = 0; k < 32; k = (k + j + 1) & ~j) {
      const hi = a[k] ?? 0;
      const lo = a[k + j] ?? 0;
      const t = ((hi >>> j) ^ lo) & m;
      a[k] = (hi ^ (t << j)) >>> 0;
      a[k + j] = (lo ^ t) >>> 0;
    }
  }
}
