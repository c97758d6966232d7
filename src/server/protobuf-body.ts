// Decodes the Kubernetes protobuf encoding (`application/vnd.kubernetes.protobuf`: the
// `k8s\0` magic, then a runtime.Unknown envelope holding the object's own message) for
// the kinds kubectl writes through its typed, protobuf-only clients — today
// `kubectl create namespace`. client-go does not fall back to JSON on 415
// (kubernetes/kubernetes#86253), so without this the command cannot work. Field numbers
// are those of k8s.io/api/core/v1/generated.proto and
// k8s.io/apimachinery/pkg/apis/meta/v1/generated.proto. A field this table does not
// know is refused (415) unless it holds its zero value (gogo-protobuf writes empty
// strings and zero times of non-pointer fields), never dropped.
import { badRequest } from '../store/store-errors.ts';
import { unsupportedMediaType } from './api-status.ts';

export const PROTOBUF = 'application/vnd.kubernetes.protobuf';
const MAGIC = [0x6b, 0x38, 0x73, 0x00];

type Field =
  | { readonly name: string; readonly type: 'string' | 'int64' | 'bool' }
  | { readonly name: string; readonly type: 'strings' }
  | { readonly name: string; readonly type: 'map' }
  | { readonly name: string; readonly type: 'time' }
  | { readonly name: string; readonly type: 'message'; readonly message: Message; readonly repeated?: boolean };

type Message = Readonly<Record<number, Field>>;

const OBJECT_META: Message = {
  1: { name: 'name', type: 'string' },
  2: { name: 'generateName', type: 'string' },
  3: { name: 'namespace', type: 'string' },
  5: { name: 'uid', type: 'string' },
  6: { name: 'resourceVersion', type: 'string' },
  7: { name: 'generation', type: 'int64' },
  8: { name: 'creationTimestamp', type: 'time' },
  9: { name: 'deletionTimestamp', type: 'time' },
  10: { name: 'deletionGracePeriodSeconds', type: 'int64' },
  11: { name: 'labels', type: 'map' },
  12: { name: 'annotations', type: 'map' },
  14: { name: 'finalizers', type: 'strings' },
};

const NAMESPACE: Message = {
  1: { name: 'metadata', type: 'message', message: OBJECT_META },
  2: { name: 'spec', type: 'message', message: { 1: { name: 'finalizers', type: 'strings' } } },
  3: { name: 'status', type: 'message', message: { 1: { name: 'phase', type: 'string' } } },
};

const KINDS: ReadonlyMap<string, Message> = new Map([['v1/Namespace', NAMESPACE]]);

class Reader {
  readonly #buf: Uint8Array;
  #pos: number;
  readonly #end: number;

  constructor(buf: Uint8Array, start = 0, end = buf.length) {
    this.#buf = buf;
    this.#pos = start;
    this.#end = end;
  }

  get done(): boolean {
    return this.#pos >= this.#end;
  }

  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (this.#pos >= this.#end) throw badRequest('malformed protobuf: truncated varint');
      const byte = this.#buf[this.#pos++] ?? 0;
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7n;
      if (shift > 63n) throw badRequest('malformed protobuf: varint too long');
    }
  }

  bytes(): Uint8Array {
    const length = Number(this.varint());
    if (this.#pos + length > this.#end) throw badRequest('malformed protobuf: truncated field');
    const out = this.#buf.subarray(this.#pos, this.#pos + length);
    this.#pos += length;
    return out;
  }

  skip(wireType: number): void {
    if (wireType === 0) this.varint();
    else if (wireType === 2) this.bytes();
    else if (wireType === 1) this.#pos += 8;
    else if (wireType === 5) this.#pos += 4;
    else throw badRequest(`malformed protobuf: unsupported wire type ${wireType}`);
  }
}

const text = new TextDecoder('utf-8', { fatal: true });

function str(bytes: Uint8Array): string {
  try {
    return text.decode(bytes);
  } catch {
    throw badRequest('malformed protobuf: a string is not UTF-8');
  }
}

/** Iterates (field number, wire type) over a message. */
function* fields(bytes: Uint8Array): Generator<{ num: number; wire: number; r: Reader }> {
  const r = new Reader(bytes);
  while (!r.done) {
    const tag = Number(r.varint());
    yield { num: tag >>> 3, wire: tag & 7, r };
  }
}

/** Go's zero time.Time (0001-01-01T00:00:00Z) in Unix seconds: JSON omits it. */
const ZERO_TIME = -62135596800n;

function formatTime(bytes: Uint8Array): string | undefined {
  let seconds = 0n;
  for (const { num, wire, r } of fields(bytes)) {
    if (num === 1 && wire === 0) seconds = BigInt.asIntN(64, r.varint());
    else r.skip(wire);
  }
  if (seconds === ZERO_TIME || bytes.length === 0) return undefined;
  return new Date(Number(seconds) * 1000).toISOString().replace('.000Z', 'Z');
}

function decodeMessage(bytes: Uint8Array, message: Message, path: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const { num, wire, r } of fields(bytes)) {
    const field = message[num];
    if (field === undefined) {
      // Zero values (empty strings, messages, 0) are what Go writes for unset fields.
      const zero = wire === 0 ? r.varint() === 0n : wire === 2 ? r.bytes().length === 0 : false;
      if (zero) continue;
      throw unsupportedMediaType(`protobuf field ${num} of ${path} is not supported by this server: send JSON`);
    }
    if (field.type === 'int64' || field.type === 'bool') {
      if (wire !== 0) throw badRequest(`malformed protobuf: ${path}.${field.name} is not a varint`);
      const v = r.varint();
      // Zero is Go's unset value: JSON omits it.
      if (v !== 0n) out[field.name] = field.type === 'bool' ? true : Number(BigInt.asIntN(64, v));
      continue;
    }
    if (wire !== 2) throw badRequest(`malformed protobuf: ${path}.${field.name} is not length-delimited`);
    const value = r.bytes();
    switch (field.type) {
      case 'string': if (value.length > 0) out[field.name] = str(value); break;
      case 'strings': out[field.name] = [...(out[field.name] as string[] | undefined ?? []), str(value)]; break;
      case 'time': {
        const time = formatTime(value);
        if (time !== undefined) out[field.name] = time;
        break;
      }
      case 'map': {
        const entry = decodeMessage(value, { 1: { name: 'key', type: 'string' }, 2: { name: 'value', type: 'string' } }, `${path}.${field.name}`);
        const map = (out[field.name] as Record<string, unknown> | undefined) ?? {};
        map[String(entry['key'] ?? '')] = entry['value'] ?? '';
        out[field.name] = map;
        break;
      }
      case 'message': {
        const decoded = decodeMessage(value, field.message, `${path}.${field.name}`);
        out[field.name] = field.repeated === true ? [...(out[field.name] as unknown[] | undefined ?? []), decoded] : decoded;
        break;
      }
    }
  }
  return out;
}

/** The JSON form of a protobuf-encoded object; 415 for kinds this server cannot decode. */
export function decodeProtobufObject(body: Uint8Array): Record<string, unknown> {
  if (body.length < MAGIC.length || MAGIC.some((b, i) => body[i] !== b)) throw badRequest('malformed protobuf: missing the k8s envelope prefix');
  let apiVersion = '';
  let kind = '';
  let raw: Uint8Array | undefined;
  for (const { num, wire, r } of fields(body.subarray(MAGIC.length))) {
    if (num === 1 && wire === 2) {
      for (const tm of fields(r.bytes())) {
        if (tm.num === 1 && tm.wire === 2) apiVersion = str(tm.r.bytes());
        else if (tm.num === 2 && tm.wire === 2) kind = str(tm.r.bytes());
        else tm.r.skip(tm.wire);
      }
    } else if (num === 2 && wire === 2) raw = r.bytes();
    else r.skip(wire);
  }
  const message = KINDS.get(`${apiVersion}/${kind}`);
  if (message === undefined || raw === undefined) {
    throw unsupportedMediaType(`the body of the request was in an unknown format - protobuf is accepted for Namespace only, send ${kind === '' ? 'objects' : kind} as application/json`);
  }
  return { apiVersion, kind, ...decodeMessage(raw, message, kind) };
}
