// Server-side printing: the meta.k8s.io/v1 Table kubectl asks for on `get`
// (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`), with the columns of
// kube-apiserver's printers (pkg/printers/internalversion/printers.go): priority-1
// columns are those kubectl shows only with `-o wide`.
import type { ResourceType } from '../store/resource-registry.ts';
import type { StoredObject } from '../store/store-object.ts';
import { humanDuration } from './human-duration.ts';

export interface TableColumn {
  readonly name: string;
  readonly type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  readonly format: string;
  readonly description: string;
  readonly priority: number;
}

export interface TableRow {
  readonly cells: readonly unknown[];
  readonly object?: unknown;
}

export interface Table {
  readonly kind: 'Table';
  readonly apiVersion: 'meta.k8s.io/v1';
  readonly metadata: { readonly resourceVersion?: string };
  readonly columnDefinitions: readonly TableColumn[];
  readonly rows: readonly TableRow[];
}

/** The `includeObject` parameter: what each row carries besides its cells. */
export type IncludeObject = 'None' | 'Metadata' | 'Object';

interface Printer {
  readonly columns: readonly TableColumn[];
  cells(o: StoredObject, age: string): unknown[];
}

function col(name: string, description: string, priority = 0, format = ''): TableColumn {
  return { name, type: 'string', format, description, priority };
}

const NAME = col('Name', 'Name must be unique within a namespace.', 0, 'name');
const AGE = col('Age', 'CreationTimestamp is a timestamp representing the server time when this object was created.');
const NONE = '<none>';

type Json = Record<string, unknown>;

function obj(v: unknown): Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? v as Json : {};
}

function arr(v: unknown): Json[] {
  return Array.isArray(v) ? v.map(obj) : [];
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** printPod: READY x/y, STATUS from phase, reason and container states, RESTARTS summed. */
function podCells(o: StoredObject, age: string): unknown[] {
  const spec = obj(o.spec);
  const status = obj(o.status);
  const containers = arr(spec['containers']);
  let reason = str(status['reason']) ?? str(status['phase']) ?? '';
  let restarts = 0;
  let ready = 0;
  let initializing = false;
  const initStatuses = arr(status['initContainerStatuses']);
  initStatuses.forEach((cs, i) => {
    restarts += Number(cs['restartCount'] ?? 0);
    const state = obj(cs['state']);
    const terminated = obj(state['terminated']);
    if (state['terminated'] !== undefined && terminated['exitCode'] === 0) return;
    if (initializing) return;
    initializing = true;
    if (state['terminated'] !== undefined) reason = `Init:${str(terminated['reason']) ?? `ExitCode:${String(terminated['exitCode'])}`}`;
    else if (str(obj(state['waiting'])['reason']) !== undefined && obj(state['waiting'])['reason'] !== 'PodInitializing') reason = `Init:${String(obj(state['waiting'])['reason'])}`;
    else reason = `Init:${i}/${arr(spec['initContainers']).length}`;
  });
  if (!initializing) {
    restarts = 0;
    let hasRunning = false;
    for (const cs of [...arr(status['containerStatuses'])].reverse()) {
      restarts += Number(cs['restartCount'] ?? 0);
      const state = obj(cs['state']);
      const waiting = str(obj(state['waiting'])['reason']);
      const terminated = obj(state['terminated']);
      if (waiting !== undefined) reason = waiting;
      else if (str(terminated['reason']) !== undefined) reason = String(terminated['reason']);
      else if (state['terminated'] !== undefined) {
        reason = terminated['signal'] !== undefined && terminated['signal'] !== 0 ? `Signal:${String(terminated['signal'])}` : `ExitCode:${String(terminated['exitCode'])}`;
      } else if (cs['ready'] === true && state['running'] !== undefined) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed' && hasRunning) reason = 'Running';
  }
  if (o.metadata.deletionTimestamp !== undefined) reason = status['reason'] === 'NodeLost' ? 'Unknown' : 'Terminating';
  const ips = arr(status['podIPs']).map((p) => str(p['ip'])).filter((ip) => ip !== undefined);
  const ip = ips[0] ?? str(status['podIP']) ?? NONE;
  const gates = arr(spec['readinessGates']);
  let gatesCell = NONE;
  if (gates.length > 0) {
    const conditions = arr(status['conditions']);
    const trueGates = gates.filter((g) => conditions.some((c) => c['type'] === g['conditionType'] && c['status'] === 'True')).length;
    gatesCell = `${trueGates}/${gates.length}`;
  }
  return [
    o.metadata.name, `${ready}/${containers.length}`, reason, String(restarts), age,
    ip, str(spec['nodeName']) ?? NONE, str(status['nominatedNodeName']) ?? NONE, gatesCell,
  ];
}

/** formatLabelSelector of a metav1.LabelSelector: `app=web,tier in (a,b)`, `<none>` when empty. */
export function formatLabelSelector(selector: unknown): string {
  const s = obj(selector);
  const parts: string[] = Object.entries(obj(s['matchLabels'])).map(([k, v]) => `${k}=${String(v)}`);
  for (const e of arr(s['matchExpressions'])) {
    const values = Array.isArray(e['values']) ? e['values'].map(String) : [];
    const op = String(e['operator'] ?? '');
    const key = String(e['key'] ?? '');
    if (op === 'Exists') parts.push(key);
    else if (op === 'DoesNotExist') parts.push(`!${key}`);
    else parts.push(`${key} ${op.toLowerCase() === 'notin' ? 'notin' : 'in'} (${values.join(',')})`);
  }
  return parts.length === 0 ? NONE : parts.join(',');
}

function servicePorts(spec: Json): string {
  const ports = arr(spec['ports']).map((p) => {
    const nodePort = typeof p['nodePort'] === 'number' && p['nodePort'] !== 0 ? `:${p['nodePort']}` : '';
    return `${String(p['port'] ?? '')}${nodePort}/${String(p['protocol'] ?? 'TCP')}`;
  });
  return ports.length === 0 ? NONE : ports.join(',');
}

function nodeStatus(o: StoredObject): string {
  const conditions = arr(obj(o.status)['conditions']);
  const ready = conditions.find((c) => c['type'] === 'Ready');
  const parts = [ready === undefined ? 'Unknown' : ready['status'] === 'True' ? 'Ready' : 'NotReady'];
  if (obj(o.spec)['unschedulable'] === true) parts.push('SchedulingDisabled');
  return parts.join(',');
}

function nodeRoles(o: StoredObject): string {
  const roles = Object.keys(o.metadata.labels ?? {})
    .filter((k) => k.startsWith('node-role.kubernetes.io/'))
    .map((k) => k.slice('node-role.kubernetes.io/'.length))
    .filter((r) => r !== '');
  return roles.length === 0 ? NONE : roles.sort().join(',');
}

function nodeAddress(o: StoredObject, type: string): string {
  return str(arr(obj(o.status)['addresses']).find((a) => a['type'] === type)?.['address']) ?? NONE;
}

const PRINTERS: ReadonlyMap<string, Printer> = new Map<string, Printer>([
  ['/v1/pods', {
    columns: [
      NAME, col('Ready', 'The aggregate readiness state of this pod for accepting traffic.'),
      col('Status', 'The aggregate status of the containers in this pod.'),
      col('Restarts', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
      AGE, col('IP', 'IP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.', 1),
      col('Node', 'NodeName is a request to schedule this pod onto a specific node.', 1),
      col('Nominated Node', 'nominatedNodeName is set only when this pod preempts other pods on the node.', 1),
      col('Readiness Gates', 'If specified, all readiness gates will be evaluated for pod readiness.', 1),
    ],
    cells: podCells,
  }],
  ['/v1/namespaces', {
    columns: [NAME, col('Status', 'The status of the namespace'), AGE],
    cells: (o, age) => [o.metadata.name, str(obj(o.status)['phase']) ?? '', age],
  }],
  ['/v1/services', {
    columns: [
      NAME, col('Type', 'The type of the service'), col('Cluster-IP', 'The cluster IP of the service'),
      col('External-IP', 'The external IP of the service'), col('Port(s)', 'The ports of the service'), AGE,
      col('Selector', 'Route service traffic to pods with label keys and values matching this selector.', 1),
    ],
    cells: (o, age) => {
      const spec = obj(o.spec);
      const selector = Object.entries(obj(spec['selector'])).map(([k, v]) => `${k}=${String(v)}`).sort().join(',');
      const external = arr(obj(obj(o.status)['loadBalancer'])['ingress']).map((i) => str(i['ip']) ?? str(i['hostname'])).filter((x) => x !== undefined);
      const externalIps = Array.isArray(spec['externalIPs']) ? spec['externalIPs'].map(String) : [];
      const ext = [...externalIps, ...external];
      const type = str(spec['type']) ?? 'ClusterIP';
      return [
        o.metadata.name, type, str(spec['clusterIP']) ?? NONE,
        ext.length > 0 ? ext.join(',') : type === 'LoadBalancer' ? '<pending>' : NONE,
        servicePorts(spec), age, selector === '' ? NONE : selector,
      ];
    },
  }],
  ['/v1/nodes', {
    columns: [
      NAME, col('Status', 'The status of the node'), col('Roles', 'The roles of the node'), AGE,
      col('Version', 'Kubelet Version reported by the node.'),
      col('Internal-IP', 'List of addresses reachable to the node. Queried from cloud provider, if available.', 1),
      col('External-IP', 'List of addresses reachable to the node. Queried from cloud provider, if available.', 1),
      col('OS-Image', 'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).', 1),
      col('Kernel-Version', 'Kernel Version reported by the node from \'uname -r\' (e.g. 3.16.0-0.bpo.4-amd64).', 1),
      col('Container-Runtime', 'Container runtime version reported by the node through runtime remote API (e.g. containerd://1.4.2).', 1),
    ],
    cells: (o, age) => {
      const info = obj(obj(o.status)['nodeInfo']);
      const unknown = '<unknown>';
      return [
        o.metadata.name, nodeStatus(o), nodeRoles(o), age, str(info['kubeletVersion']) ?? '',
        nodeAddress(o, 'InternalIP'), nodeAddress(o, 'ExternalIP'), str(info['osImage']) ?? unknown,
        str(info['kernelVersion']) ?? unknown, str(info['containerRuntimeVersion']) ?? unknown,
      ];
    },
  }],
  ['networking.k8s.io/v1/networkpolicies', {
    columns: [NAME, col('Pod-Selector', 'Selects the pods to which this NetworkPolicy object applies.'), AGE],
    cells: (o, age) => [o.metadata.name, formatLabelSelector(obj(o.spec)['podSelector']), age],
  }],
]);

const DEFAULT_PRINTER: Printer = { columns: [NAME, AGE], cells: (o, age) => [o.metadata.name, age] };

function rowObject(o: StoredObject, include: IncludeObject): unknown {
  if (include === 'None') return undefined;
  if (include === 'Object') return o;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata };
}

/** A Table of `objects` at `nowMs` (ages are computed by the server, as upstream). */
export function toTable(
  type: ResourceType, objects: readonly StoredObject[], nowMs: number,
  opts: { readonly resourceVersion?: string; readonly includeObject?: IncludeObject; readonly noHeaders?: boolean } = {},
): Table {
  const printer = PRINTERS.get(`${type.group}/${type.version}/${type.resource}`) ?? DEFAULT_PRINTER;
  const include = opts.includeObject ?? 'Metadata';
  return {
    kind: 'Table', apiVersion: 'meta.k8s.io/v1',
    metadata: opts.resourceVersion === undefined ? {} : { resourceVersion: opts.resourceVersion },
    columnDefinitions: opts.noHeaders === true ? [] : printer.columns,
    rows: objects.map((o) => {
      const created = Date.parse(o.metadata.creationTimestamp);
      const age = Number.isNaN(created) ? '<unknown>' : humanDuration(nowMs - created);
      const object = rowObject(o, include);
      return { cells: printer.cells(o, age), ...(object === undefined ? {} : { object }) };
    }),
  };
}
