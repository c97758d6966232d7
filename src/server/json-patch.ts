// JSON patch (RFC 6902) with JSON pointers (RFC 6901), what
// `Content-Type: application/json-patch+json` asks for. The whole patch applies or
// nothing does (each operation works on a private copy).
import { PatchError } from './patch-error.ts';

type Container = Record<string, unknown> | unknown[];

function isContainer(v: unknown): v is Container {
  return typeof v === 'object' && v !== null;
}

function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new PatchError('malformed', `invalid JSON pointer ${JSON.stringify(pointer)}: must start with "/"`);
  return pointer.slice(1).split('/').map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function arrayIndex(token: string, length: number, forInsert: boolean, pointer: string): number {
  if (forInsert && token === '-') return length;
  if (!/^(0|[1-9]\d*)$/.test(token)) throw new PatchError('unapplicable', `invalid array index ${JSON.stringify(token)} in ${pointer}`);
  const i = Number(token);
  if (i > length || (!forInsert && i === length)) throw new PatchError('unapplicable', `array index ${i} out of bounds in ${pointer}`);
  return i;
}

/** The container holding the pointer's last token, and that token. */
function parentOf(doc: unknown, pointer: string): { parent: Container; key: string } {
  const tokens = parsePointer(pointer);
  const key = tokens.pop();
  if (key === undefined) throw new PatchError('unapplicable', 'the root cannot be the target of this operation');
  let node: unknown = doc;
  for (const t of tokens) {
    if (!isContainer(node)) throw new PatchError('unapplicable', `path ${pointer} does not exist`);
    node = Array.isArray(node) ? node[arrayIndex(t, node.length, false, pointer)] : node[t];
  }
  if (!isContainer(node)) throw new PatchError('unapplicable', `path ${pointer} does not exist`);
  return { parent: node, key };
}

function getAt(doc: unknown, pointer: string): unknown {
  let node: unknown = doc;
  for (const t of parsePointer(pointer)) {
    if (!isContainer(node)) throw new PatchError('unapplicable', `path ${pointer} does not exist`);
    if (Array.isArray(node)) node = node[arrayIndex(t, node.length, false, pointer)];
    else {
      if (!Object.hasOwn(node, t)) throw new PatchError('unapplicable', `path ${pointer} does not exist`);
      node = node[t];
    }
  }
  return node;
}

function removeAt(doc: unknown, pointer: string): unknown {
  const { parent, key } = parentOf(doc, pointer);
  if (Array.isArray(parent)) return parent.splice(arrayIndex(key, parent.length, false, pointer), 1)[0];
  if (!Object.hasOwn(parent, key)) throw new PatchError('unapplicable', `path ${pointer} does not exist: nothing to remove`);
  const old = parent[key];
  delete parent[key];
  return old;
}

function addAt(doc: unknown, pointer: string, value: unknown): unknown {
  if (pointer === '') return value;
  const { parent, key } = parentOf(doc, pointer);
  if (Array.isArray(parent)) parent.splice(arrayIndex(key, parent.length, true, pointer), 0, value);
  else parent[key] = value;
  return doc;
}

function stringField(op: Record<string, unknown>, field: string, index: number): string {
  const v = op[field];
  if (typeof v !== 'string') throw new PatchError('malformed', `operation ${index}: "${field}" must be a string`);
  return v;
}

/** Returns the patched copy of `doc`. */
export function applyJsonPatch(doc: unknown, patch: unknown): unknown {
  if (!Array.isArray(patch)) throw new PatchError('malformed', 'a json patch must be an array of operations');
  let out = structuredClone(doc);
  patch.forEach((raw: unknown, index) => {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new PatchError('malformed', `operation ${index} must be an object`);
    const op = raw as Record<string, unknown>;
    const name = stringField(op, 'op', index);
    const path = stringField(op, 'path', index);
    const value = (): unknown => {
      if (!Object.hasOwn(op, 'value')) throw new PatchError('malformed', `operation ${index} (${name}): "value" is required`);
      return structuredClone(op['value']);
    };
    switch (name) {
      case 'add': out = addAt(out, path, value()); break;
      case 'remove': removeAt(out, path); break;
      case 'replace': {
        const v = value();
        if (path === '') { out = v; break; }
        getAt(out, path);
        const { parent, key } = parentOf(out, path);
        if (Array.isArray(parent)) parent[arrayIndex(key, parent.length, false, path)] = v;
        else parent[key] = v;
        break;
      }
      case 'move': {
        const from = stringField(op, 'from', index);
        if (path.startsWith(`${from}/`)) throw new PatchError('unapplicable', `operation ${index}: cannot move ${from} into its own child ${path}`);
        out = addAt(out, path, removeAt(out, from));
        break;
      }
      case 'copy': out = addAt(out, path, structuredClone(getAt(out, stringField(op, 'from', index)))); break;
      case 'test': {
        if (JSON.stringify(sortKeys(getAt(out, path))) !== JSON.stringify(sortKeys(value()))) {
          throw new PatchError('unapplicable', `testing value ${path} failed`);
        }
        break;
      }
      default: throw new PatchError('malformed', `operation ${index}: unknown op ${JSON.stringify(name)}`);
    }
  });
  return out;
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (!isContainer(v)) return v;
  const m = v as Record<string, unknown>;
  return Object.fromEntries(Object.keys(m).sort().map((k) => [k, sortKeys(m[k])]));
}
