// Reading a `protocol` field: absent means TCP (the API server's default); anything but
// TCP/UDP/SCTP is recorded as "unsupported value" at the field's path.
import type { Protocol } from '../../model/protocol.ts';
import { PROTOCOLS, isProtocol } from '../../model/protocol.ts';
import type { Issues } from './issues.ts';
import { readString } from './shape.ts';

/** The protocol at `path` (default TCP), or undefined when the value is wrong (an issue is recorded). */
export function readProtocol(value: unknown, path: string, issues: Issues): Protocol | undefined {
  const raw = readString(value, path, issues);
  if (raw === undefined) return value == null ? 'TCP' : undefined;
  if (isProtocol(raw)) return raw;
  issues.notSupported(path, raw, PROTOCOLS);
  return undefined;
}
