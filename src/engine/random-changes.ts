// fast-check arbitraries of changes to a random cluster (random-policies.ts): pod
// relabels, readdresses, additions (also host-network and in namespaces only pods name),
// removals, policy additions, removals, replacements (same id, other rules or subject),
// reorders and staging, namespace relabels (a label added, changed or removed, or the
// same labels in a new object), and namespaces created (with or without labels; new
// names, names deleted earlier, or the namespace only pods named) or deleted (empty or
// not). Pods are added now and then to a namespace created earlier. Untouched pods,
// policies and namespaces stay the same
// objects, as the agent's patches and a store watch give them. Test-only module, shared
// by the recompile and incremental-plan properties.
import fc from 'fast-check';
import type { Cluster, Namespace, Pod } from '../model/cluster.ts';
import { policyId } from '../model/policy.ts';
import type { Policy } from '../model/policy.ts';
import type { PolicySet } from '../model/tier.ts';
import { compile } from './compile.ts';
import { ns, pod } from './test-builders.ts';

const labelsArb = fc.record({ app: fc.constantFrom('x', 'y', undefined), env: fc.constantFrom('p', 'd', undefined) })
  .map(({ app, env }) => ({ ...(app === undefined ? {} : { app }), ...(env === undefined ? {} : { env }) }));

export const changeArb = fc.record({
  op: fc.constantFrom(
    'relabel', 'relabel', 'readdress', 'add', 'add', 'remove', 'add-host', 'add-pod-only-ns',
    'policy-add', 'policy-remove', 'policy-replace', 'policy-replace', 'policy-reorder', 'policy-stage',
    'ns-relabel', 'ns-relabel', 'ns-create', 'ns-create', 'ns-delete',
  ),
  at: fc.nat(),
  donor: fc.nat(),
  labels: labelsArb,
  ip: fc.integer({ min: 1, max: 40 }),
  tell: fc.boolean(),
});
export type Change = typeof changeArb extends fc.Arbitrary<infer T> ? T : never;

/** Only pod changes (the agent's pod-patch path). */
export const podChangeArb = changeArb.filter((c) => !c.op.startsWith('policy-') && !c.op.startsWith('ns-'));

export interface Changed {
  readonly cluster: Cluster;
  readonly policies: PolicySet;
  /** The pod key changed, if a pod changed. */
  readonly key: string | undefined;
}

/**
 * The cluster and policies after one change. `donors` supplies rules and subjects for
 * added and replaced policies; `serial` makes added pod and policy names unique.
 */
export function applyChange(cl: Cluster, ps: PolicySet, ch: Change, donors: PolicySet, serial: { n: number }): Changed {
  if (ch.op.startsWith('policy-')) return { cluster: cl, policies: changePolicies(ps, ch, donors, serial), key: undefined };
  if (ch.op === 'ns-relabel') return { cluster: relabelNamespace(cl, ch), policies: ps, key: undefined };
  if (ch.op === 'ns-create') return { cluster: createNamespace(cl, ch), policies: ps, key: undefined };
  if (ch.op === 'ns-delete') return { cluster: deleteNamespace(cl, ch), policies: ps, key: undefined };
  const pods = [...cl.pods];
  const at = pods.length === 0 ? 0 : ch.at % pods.length;
  const target = pods[at];
  const v4 = `10.0.0.${ch.ip}`;
  let key: string | undefined;
  switch (ch.op) {
    case 'relabel':
      if (target === undefined) break;
      pods[at] = { ...target, labels: ch.labels };
      key = target.key;
      break;
    case 'readdress':
      if (target === undefined || target.hostNetwork) break;
      pods[at] = { ...target, ips: [v4] };
      key = target.key;
      break;
    case 'remove':
      if (target === undefined) break;
      pods.splice(at, 1);
      key = target.key;
      break;
    default: {
      // Now and then into a namespace created by an earlier change.
      const created = cl.namespaces.filter((n) => !BUILT_IN.has(n.name));
      const later = ch.donor % 3 === 0 ? created[ch.donor % Math.max(1, created.length)]?.name : undefined;
      const space = ch.op === 'add-pod-only-ns' ? 'solo' : (later ?? ['n0', 'n1', 'n2'][ch.ip % 3] ?? 'n0');
      const added: Pod = ch.op === 'add-host'
        ? pod(`${space}/new${serial.n++}`, ch.labels, ['192.168.0.10'], { hostNetwork: true, node: 'w1' })
        : pod(`${space}/new${serial.n++}`, ch.labels, [v4], { ports: [{ name: 'http', port: 80, protocol: 'TCP' }] });
      pods.splice(at, 0, added);
      key = added.key;
    }
  }
  return { cluster: { ...cl, pods }, policies: ps, key };
}

/**
 * One namespace with `team` set to a or b or removed, or `env` set or removed (the
 * namespace selectors of random-policies.ts read both), as a new object in its place.
 */
function relabelNamespace(cl: Cluster, ch: Change): Cluster {
  if (cl.namespaces.length === 0) return cl;
  const namespaces = [...cl.namespaces];
  const at = ch.at % namespaces.length;
  const target = namespaces[at] as Namespace;
  const labels: Record<string, string> = { ...target.labels };
  switch (ch.ip % 4) {
    case 0: labels['team'] = 'a'; break;
    case 1: labels['team'] = 'b'; break;
    case 2: delete labels['team']; break;
    default:
      if (ch.labels.env === undefined) delete labels['env'];
      else labels['env'] = ch.labels.env;
  }
  namespaces[at] = { ...target, labels };
  return { ...cl, namespaces };
}

/** The namespaces of clusterArb and the one add-pod-only-ns names. */
const BUILT_IN: ReadonlySet<string> = new Set(['n0', 'n1', 'n2', 'solo']);
const CREATED = ['n3', 'n4', 'n0', 'n1', 'n2', 'solo'];

/**
 * A namespace object for a name not defined yet (tried from CREATED, starting at a
 * random one: new names, names an earlier change deleted, the one only pods named), with
 * `team` a, b or none and `env` perhaps, put where buildSnapshot sorts it.
 */
function createNamespace(cl: Cluster, ch: Change): Cluster {
  const defined = new Set(cl.namespaces.map((n) => n.name));
  let name: string | undefined;
  for (let k = 0; k < CREATED.length && name === undefined; k++) {
    const n = CREATED[(ch.ip + k) % CREATED.length] as string;
    if (!defined.has(n)) name = n;
  }
  if (name === undefined) return cl;
  const team = ['a', 'b', undefined][ch.at % 3];
  const created = ns(name, { ...(team === undefined ? {} : { team }), ...(ch.labels.env === undefined ? {} : { env: ch.labels.env }) });
  const namespaces = [...cl.namespaces];
  let at = 0;
  while (at < namespaces.length && (namespaces[at] as Namespace).name < name) at++;
  namespaces.splice(at, 0, created);
  return { ...cl, namespaces };
}

/** One namespace object deleted (its pods, if any, stay: the namespace is then one only pods name). */
function deleteNamespace(cl: Cluster, ch: Change): Cluster {
  if (cl.namespaces.length === 0) return cl;
  const namespaces = [...cl.namespaces];
  namespaces.splice(ch.at % namespaces.length, 1);
  return { ...cl, namespaces };
}

function changePolicies(ps: PolicySet, ch: Change, donors: PolicySet, serial: { n: number }): PolicySet {
  const policies = [...ps.policies];
  const at = policies.length === 0 ? 0 : ch.at % policies.length;
  const target = policies[at];
  const donor = donors.policies.length === 0 ? undefined : donors.policies[ch.donor % donors.policies.length];
  switch (ch.op) {
    case 'policy-add': {
      if (donor === undefined) break;
      const ref = { ...donor.ref, name: `added${serial.n++}` };
      policies.splice(at, 0, { ...donor, ref, id: policyId(ref) });
      break;
    }
    case 'policy-remove':
      if (target !== undefined) policies.splice(at, 1);
      break;
    case 'policy-replace':
      if (target !== undefined && donor !== undefined) policies[at] = { ...donor, ref: target.ref, id: target.id };
      break;
    case 'policy-reorder':
      if (target !== undefined) policies[at] = { ...target, order: target.order === 1 ? 3 : target.order - 1 };
      break;
    default:
      if (target !== undefined) policies[at] = { ...target, staged: !target.staged } satisfies Policy;
  }
  return { tiers: ps.tiers, policies };
}

/** Whether compile() accepts the pair (random changes can make a cluster it refuses, e.g. duplicate addresses). */
export function compiles(cl: Cluster, ps: PolicySet): boolean {
  try {
    compile(cl, ps);
    return true;
  } catch {
    return false;
  }
}
