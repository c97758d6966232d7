// CIDR checks of the API server for ipBlock.cidr/except under strict IP/CIDR validation
// (KEP-4858; apimachinery/pkg/api/validation/ip.go parseCIDR): a valid prefix, no
// leading zeros, no IPv4-mapped IPv6 address, no bits set beyond the prefix length.
import type { Cidr } from '../../model/ip.ts';
import { parseCidr, parseIp } from '../../model/ip.ts';

export interface CidrCheck {
  /** The network as written with host bits masked (undefined when unparseable). */
  readonly cidr?: Cidr;
  readonly errors: readonly string[];
}

const INVALID = 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)';

/** Strips leading zeros of decimal fields, to tell "leading 0s" apart from garbage. */
function withoutLeadingZeros(text: string): string {
  const slash = text.indexOf('/');
  if (slash < 0) return text;
  const addr = text.slice(0, slash);
  const prefix = text.slice(slash + 1).replace(/^0+(?=\d)/, '');
  const fixedAddr = addr.includes(':')
    ? addr.replace(/(^|:)((?:\d+\.){3}\d+)$/, (_m, sep: string, v4: string) => sep + v4.split('.').map((o) => o.replace(/^0+(?=\d)/, '')).join('.'))
    : addr.split('.').map((o) => o.replace(/^0+(?=\d)/, '')).join('.');
  return `${fixedAddr}/${prefix}`;
}

export function checkCidr(text: string): CidrCheck {
  const loose = parseCidr(text);
  if (loose === undefined) {
    const fixed = parseCidr(withoutLeadingZeros(text));
    if (fixed !== undefined) return { cidr: fixed, errors: ['must not have leading 0s in IP or prefix length'] };
    return { errors: [INVALID] };
  }
  const addr = parseIp(text.slice(0, text.indexOf('/')));
  if (addr !== undefined && addr.family === 6 && addr.value >> 32n === 0xffffn) {
    return { cidr: loose, errors: ['must not have an IPv4-mapped IPv6 address'] };
  }
  if (parseCidr(text, true) === undefined) return { cidr: loose, errors: ['must not have bits set beyond the prefix length'] };
  return { cidr: loose, errors: [] };
}
