// Rendering of `palisade diff`: one line per flow whose verdict changed, with the reason
// the new verdict gives, then pods added and removed. Pure, golden-tested.
import type { Protocol } from '../../model/protocol.ts';
import type { VerdictChange } from '../../engine/diff.ts';
import type { DirectionVerdict } from '../../engine/verdict.ts';

/** A verdict is null when a named port does not resolve on the destination pod in that snapshot. */
export type ChangeView = VerdictChange;

export interface DiffView {
  readonly queries: ReadonlyArray<{ readonly port: number | string; readonly protocol: Protocol }>;
  readonly changes: readonly ChangeView[];
  readonly podsOnlyBefore: readonly string[];
  readonly podsOnlyAfter: readonly string[];
}

function state(allowed: boolean): string {
  return allowed ? 'allowed' : 'denied';
}

function sideText(d: DirectionVerdict): string {
  return `${d.direction}: ${d.message}`;
}

/**
 * Why the flow is what it is now: the side that denies it, or, when it became allowed,
 * what the side that used to deny says now.
 */
export function changeReason(c: ChangeView): string {
  const after = c.afterVerdict;
  if (after === null) return `${c.dst} has no ${c.protocol} port named ${c.port} now`;
  if (!after.allowed) return sideText(after.egress.allowed ? after.ingress : after.egress);
  const before = c.beforeVerdict;
  if (before === null) return `${c.dst} had no ${c.protocol} port named ${c.port} before`;
  const sides = [before.egress.allowed ? null : after.egress, before.ingress.allowed ? null : after.ingress]
    .filter((s): s is DirectionVerdict => s !== null);
  return sides.length === 0 ? 'allowed' : sides.map(sideText).join('; ');
}

export function changeText(c: ChangeView): string {
  return `${c.src} -> ${c.dst} ${c.protocol}/${c.port}: ${state(c.before)} -> ${state(c.after)} (${changeReason(c)})`;
}

function cmp(a: string | number, b: string | number): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Changes in a stable order: protocol, port, source, destination. */
export function sortedChanges<T extends ChangeView>(changes: readonly T[]): T[] {
  return [...changes].sort((a, b) => cmp(a.protocol, b.protocol) || cmp(typeof a.port, typeof b.port) || cmp(a.port, b.port) || cmp(a.src, b.src) || cmp(a.dst, b.dst));
}

export function queriesText(d: DiffView): string {
  return d.queries.map((q) => `${q.protocol}/${q.port}`).join(', ');
}

export function renderDiffText(d: DiffView): string {
  const lines = sortedChanges(d.changes).map(changeText);
  for (const p of [...d.podsOnlyAfter].sort()) lines.push(`pod added: ${p}`);
  for (const p of [...d.podsOnlyBefore].sort()) lines.push(`pod removed: ${p}`);
  const n = d.changes.length;
  lines.push(n === 0 && lines.length === 0
    ? `no changes (checked ${queriesText(d)})`
    : `${n} ${n === 1 ? 'flow' : 'flows'} changed (checked ${queriesText(d)})`);
  return `${lines.join('\n')}\n`;
}

/** Pretty JSON for scripts; verdicts included so callers can dig into the reasons. */
export function renderDiffJson(d: DiffView): string {
  const changes = sortedChanges(d.changes).map((c) => ({
    from: c.src, to: c.dst, port: c.port, protocol: c.protocol,
    before: c.before,
    after: c.after,
    reason: changeReason(c),
    beforeVerdict: c.beforeVerdict,
    afterVerdict: c.afterVerdict,
  }));
  return `${JSON.stringify({
    queries: d.queries,
    changes,
    podsAdded: [...d.podsOnlyAfter].sort(),
    podsRemoved: [...d.podsOnlyBefore].sort(),
  }, null, 2)}\n`;
}
