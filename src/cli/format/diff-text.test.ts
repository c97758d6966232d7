// Golden text and JSON of `palisade diff`, and the reason chosen for each kind of change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { changeReason, renderDiffJson, renderDiffText } from './diff-text.ts';
import type { ChangeView, DiffView } from './diff-text.ts';
import type { DirectionVerdict, Verdict } from '../../engine/verdict.ts';

function side(direction: 'ingress' | 'egress', endpoint: string, allowed: boolean, message: string): DirectionVerdict {
  return { direction, endpoint, allowed, reason: allowed ? 'not-selected' : 'tier-default', tiers: [], message };
}

function verdict(src: string, dst: string, port: number, egress: DirectionVerdict, ingress: DirectionVerdict): Verdict {
  return {
    flow: { src: { kind: 'pod', pod: src }, dst: { kind: 'pod', pod: dst }, protocol: 'TCP', port },
    allowed: egress.allowed && ingress.allowed, egress, ingress, notes: [],
  };
}

const open = (s: string, d: string, port = 80): Verdict => verdict(s, d, port, side('egress', s, true, `no egress policy selects ${s}`), side('ingress', d, true, `no ingress policy selects ${d}`));
const denyIn = (s: string, d: string, port = 80): Verdict => verdict(s, d, port, side('egress', s, true, `no egress policy selects ${s}`), side('ingress', d, false, `selected by NetworkPolicy y/deny; no ingress rule admits ${s}`));
const denyOut = (s: string, d: string): Verdict => verdict(s, d, 80, side('egress', s, false, `selected by NetworkPolicy x/egress; no egress rule admits ${d}`), side('ingress', d, true, `allowed by NetworkPolicy y/allow spec.ingress[0]`));

const newlyDenied: ChangeView = { src: 'x/a', dst: 'y/b', port: 80, protocol: 'TCP', before: true, after: false, beforeVerdict: open('x/a', 'y/b'), afterVerdict: denyIn('x/a', 'y/b') };
const newlyAllowed: ChangeView = { src: 'x/c', dst: 'y/b', port: 80, protocol: 'TCP', before: false, after: true, beforeVerdict: denyOut('x/c', 'y/b'), afterVerdict: open('x/c', 'y/b') };

test('changeReason: the denying side of the new verdict', () => {
  assert.equal(changeReason(newlyDenied), 'ingress: selected by NetworkPolicy y/deny; no ingress rule admits x/a');
});

test('changeReason: when allowed now, what the side that used to deny says', () => {
  assert.equal(changeReason(newlyAllowed), 'egress: no egress policy selects x/c');
});

test('changeReason: a named port that resolves on one side only', () => {
  assert.equal(changeReason({ ...newlyDenied, port: 'http', afterVerdict: null }), 'y/b has no TCP port named http now');
  assert.equal(changeReason({ ...newlyAllowed, port: 'http', beforeVerdict: null }), 'y/b had no TCP port named http before');
});

const view: DiffView = {
  queries: [{ port: 80, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }],
  changes: [newlyDenied, { ...newlyAllowed, port: 8080, afterVerdict: open('x/c', 'y/b', 8080) }, newlyAllowed],
  podsOnlyBefore: ['x/old'],
  podsOnlyAfter: ['z/new', 'x/new'],
};

test('text: one line per change sorted by protocol, port, source, destination; pods; summary', () => {
  assert.equal(renderDiffText(view), [
    'x/a -> y/b TCP/80: allowed -> denied (ingress: selected by NetworkPolicy y/deny; no ingress rule admits x/a)',
    'x/c -> y/b TCP/80: denied -> allowed (egress: no egress policy selects x/c)',
    'x/c -> y/b TCP/8080: denied -> allowed (egress: no egress policy selects x/c)',
    'pod added: x/new',
    'pod added: z/new',
    'pod removed: x/old',
    '3 flows changed (checked TCP/80, UDP/53)',
    '',
  ].join('\n'));
});

test('text: no changes', () => {
  assert.equal(renderDiffText({ queries: [{ port: 80, protocol: 'TCP' }], changes: [], podsOnlyBefore: [], podsOnlyAfter: [] }), 'no changes (checked TCP/80)\n');
});

test('json: sorted changes with reasons and verdicts, null verdict where the named port is missing', () => {
  const parsed = JSON.parse(renderDiffJson({ ...view, changes: [{ ...newlyAllowed, port: 'http', beforeVerdict: null }] })) as {
    queries: unknown; changes: Array<Record<string, unknown>>; podsAdded: string[]; podsRemoved: string[];
  };
  assert.deepEqual(parsed.queries, [{ port: 80, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }]);
  assert.deepEqual(parsed.podsAdded, ['x/new', 'z/new']);
  assert.deepEqual(parsed.podsRemoved, ['x/old']);
  const [c] = parsed.changes;
  assert.deepEqual({ ...c, afterVerdict: undefined }, {
    from: 'x/c', to: 'y/b', port: 'http', protocol: 'TCP', before: false, after: true,
    reason: 'y/b had no TCP port named http before', beforeVerdict: null, afterVerdict: undefined,
  });
  assert.equal((c?.afterVerdict as Verdict).allowed, true);
});
