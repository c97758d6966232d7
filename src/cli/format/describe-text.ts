// `describe` output in kubectl's layout (k8s.io/kubectl/pkg/describe/describe.go): a
// "Title:<TAB>value" block aligned by a tabwriter (padding 2), nested sections indented by
// two spaces per level. The NetworkPolicy describer is reproduced line for line; pods,
// namespaces and nodes show the parts that exist in the embedded default. Pure: times are
// rendered in UTC so golden tests are stable.
import { formatLabelSelector } from '../../server/table.ts';
import { DESCRIBE_TABS, alignTabs } from './tab-writer.ts';

type Json = Record<string, unknown>;

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

function obj(v: unknown): Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? v as Json : {};
}

function arr(v: unknown): Json[] {
  return Array.isArray(v) ? v.map(obj) : [];
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const p2 = (n: number): string => String(n).padStart(2, '0');

/** Go's time.RFC1123Z in UTC: `Mon, 02 Jan 2006 15:04:05 +0000`. */
export function rfc1123z(timestamp: string): string {
  const d = new Date(timestamp);
  if (Number.isNaN(d.getTime())) return timestamp;
  return `${DAYS[d.getUTCDay()]}, ${p2(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} +0000`;
}

/** metav1.Time's String() in UTC: `2006-01-02 15:04:05 +0000 UTC`. */
export function goTimeString(timestamp: string): string {
  const d = new Date(timestamp);
  if (Number.isNaN(d.getTime())) return timestamp;
  return `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} +0000 UTC`;
}

/** printLabelsMultiline / printAnnotationsMultiline: sorted, continuation lines under the first. */
function multiline(title: string, map: Json, sep: '=' | ': ', skip: readonly string[] = []): string[] {
  const keys = Object.keys(map).filter((k) => !skip.includes(k)).sort();
  if (keys.length === 0) return [`${title}:\t<none>`];
  return keys.flatMap((k, i) => {
    const head = `${i === 0 ? `${title}:` : ''}\t`;
    const value = str(map[k]).replace(/\n$/, '');
    // An annotation too long for one line (or of several lines) goes under its key, each line cut at 138 characters.
    if (sep === ': ' && (value.length + k.length + 2 > MAX_ANNOTATION_LEN || value.includes('\n'))) {
      return [`${head}${k}:`, ...value.split('\n').map((l) => `\t  ${l.length > MAX_ANNOTATION_LEN - 2 ? `${l.slice(0, MAX_ANNOTATION_LEN - 2)}...` : l}`)];
    }
    return [`${head}${k}${sep}${value}`];
  });
}

/** kubectl describe's maxAnnotationLen. */
const MAX_ANNOTATION_LEN = 140;

function metaLines(meta: Json): string[] {
  return [
    ...multiline('Labels', obj(meta['labels']), '='),
    ...multiline('Annotations', obj(meta['annotations']), ': ', [LAST_APPLIED]),
  ];
}

function finish(lines: readonly string[]): string {
  return alignTabs(`${lines.join('\n')}\n`, DESCRIBE_TABS);
}

function selectorText(s: unknown): string {
  return formatLabelSelector(s);
}

function peerLines(peers: Json[], indent: string, word: 'From' | 'To', anyText: string): string[] {
  if (peers.length === 0) return [`${indent}${word}: <any> (${anyText})`];
  const lines: string[] = [];
  for (const p of peers) {
    lines.push(`${indent}${word}:`);
    const pod = p['podSelector'];
    const ns = p['namespaceSelector'];
    const block = p['ipBlock'];
    if (pod !== undefined && ns !== undefined) {
      lines.push(`  ${indent}NamespaceSelector: ${selectorText(ns)}`, `  ${indent}PodSelector: ${selectorText(pod)}`);
    } else if (pod !== undefined) {
      lines.push(`  ${indent}PodSelector: ${selectorText(pod)}`);
    } else if (ns !== undefined) {
      lines.push(`  ${indent}NamespaceSelector: ${selectorText(ns)}`);
    } else if (block !== undefined) {
      const b = obj(block);
      lines.push(`  ${indent}IPBlock:`, `    ${indent}CIDR: ${str(b['cidr'])}`, `    ${indent}Except: ${(Array.isArray(b['except']) ? b['except'] : []).map(str).join(', ')}`);
    }
  }
  return lines;
}

function ruleLines(rules: Json[], peerKey: 'from' | 'to', direction: 'ingress' | 'egress'): string[] {
  const indent = '    ';
  if (rules.length === 0) return [`${indent}<none> (Selected pods are isolated for ${direction} connectivity)`];
  const lines: string[] = [];
  rules.forEach((r, i) => {
    const ports = arr(r['ports']);
    if (ports.length === 0) lines.push(`${indent}To Port: <any> (traffic allowed to all ports)`);
    for (const p of ports) {
      const proto = str(p['protocol']) || 'TCP';
      const port = p['port'] === undefined ? '<nil>' : str(p['port']);
      lines.push(p['endPort'] === undefined ? `${indent}To Port: ${port}/${proto}` : `${indent}To Port Range: ${port}-${str(p['endPort'])}/${proto}`);
    }
    lines.push(...peerLines(arr(r[peerKey]), indent, peerKey === 'from' ? 'From' : 'To',
      peerKey === 'from' ? 'traffic not restricted by source' : 'traffic not restricted by destination'));
    if (i !== rules.length - 1) lines.push(`${indent}----------`);
  });
  return lines;
}

/**
 * kubectl's NetworkPolicy describer, then Palisade's plain-words reading of the policy
 * (`explanation`, from the engine's describePolicy) under `Palisade:`.
 */
export function describeNetworkPolicy(policy: unknown, explanation: readonly string[]): string {
  const o = obj(policy);
  const meta = obj(o['metadata']);
  const spec = obj(o['spec']);
  const types = Array.isArray(spec['policyTypes']) ? spec['policyTypes'].map(str) : [];
  const sel = obj(spec['podSelector']);
  const emptySelector = Object.keys(obj(sel['matchLabels'])).length === 0 && arr(sel['matchExpressions']).length === 0;
  const lines = [
    `Name:\t${str(meta['name'])}`,
    `Namespace:\t${str(meta['namespace'])}`,
    `Created on:\t${goTimeString(str(meta['creationTimestamp']))}`,
    ...metaLines(meta),
    'Spec:',
    `  PodSelector:     ${emptySelector ? '<none> (Allowing the specific traffic to all pods in this namespace)' : selectorText(sel)}`,
    ...(types.includes('Ingress') ? ['  Allowing ingress traffic:', ...ruleLines(arr(spec['ingress']), 'from', 'ingress')] : ['  Not affecting ingress traffic']),
    ...(types.includes('Egress') ? ['  Allowing egress traffic:', ...ruleLines(arr(spec['egress']), 'to', 'egress')] : ['  Not affecting egress traffic']),
    `  Policy Types: ${types.join(', ')}`,
  ];
  return finish(lines) + (explanation.length === 0 ? '' : `\nPalisade:\n${explanation.map((l) => `  ${l}\n`).join('')}`);
}

export function describeNamespace(ns: unknown): string {
  const o = obj(ns);
  const meta = obj(o['metadata']);
  const phase = str(obj(o['status'])['phase']) || 'Active';
  return `${finish([`Name:\t${str(meta['name'])}`, ...metaLines(meta), `Status:\t${phase}`])}\nNo resource quota.\n\nNo LimitRange resource.\n`;
}

function containerState(status: Json): string[] {
  const state = obj(status['state']);
  if (state['running'] !== undefined) {
    const started = str(obj(state['running'])['startedAt']);
    return ['    State:\tRunning', ...(started === '' ? [] : [`      Started:\t${rfc1123z(started)}`])];
  }
  if (state['terminated'] !== undefined) {
    const t = obj(state['terminated']);
    return ['    State:\tTerminated', `      Reason:\t${str(t['reason'])}`, `      Exit Code:\t${str(t['exitCode'])}`];
  }
  if (state['waiting'] !== undefined) return ['    State:\tWaiting', `      Reason:\t${str(obj(state['waiting'])['reason'])}`];
  return ['    State:\tWaiting'];
}

export function describePod(pod: unknown): string {
  const o = obj(pod);
  const meta = obj(o['metadata']);
  const spec = obj(o['spec']);
  const status = obj(o['status']);
  const node = str(spec['nodeName']);
  const hostIp = str(status['hostIP']);
  const ips = arr(status['podIPs']).map((x) => str(x['ip'])).filter((x) => x !== '');
  const podIp = str(status['podIP']);
  const lines = [
    `Name:\t${str(meta['name'])}`,
    `Namespace:\t${str(meta['namespace'])}`,
    `Priority:\t${str(spec['priority']) || '0'}`,
    `Service Account:\t${str(spec['serviceAccountName']) || 'default'}`,
    `Node:\t${node === '' ? '<none>' : hostIp === '' ? node : `${node}/${hostIp}`}`,
    ...(str(status['startTime']) === '' ? [] : [`Start Time:\t${rfc1123z(str(status['startTime']))}`]),
    ...metaLines(meta),
    `Status:\t${meta['deletionTimestamp'] !== undefined ? 'Terminating' : str(status['phase']) || 'Pending'}`,
    `IP:\t${podIp}`,
    ...(ips.length === 0 ? ['IPs:\t<none>'] : ['IPs:', ...ips.map((ip) => `  IP:\t${ip}`)]),
    'Containers:',
  ];
  const statuses = arr(status['containerStatuses']);
  for (const c of arr(spec['containers'])) {
    const name = str(c['name']);
    const cs = statuses.find((s) => s['name'] === name) ?? {};
    lines.push(`  ${name}:`, `    Image:\t${str(c['image'])}`);
    const ports = arr(c['ports']);
    if (ports.length === 0) lines.push('    Port:\t<none>', '    Host Port:\t<none>');
    for (const p of ports) {
      const proto = str(p['protocol']) || 'TCP';
      lines.push(`    Port:\t${str(p['containerPort'])}/${proto}${p['name'] === undefined ? '' : ` (${str(p['name'])})`}`, `    Host Port:\t${str(p['hostPort']) || '0'}/${proto}`);
    }
    for (const [title, key] of [['Command', 'command'], ['Args', 'args']] as const) {
      const words = Array.isArray(c[key]) ? c[key].map(str) : [];
      if (words.length > 0) lines.push(`    ${title}:`, ...words.map((w) => `      ${w}`));
    }
    lines.push(...containerState(cs), `    Ready:\t${cs['ready'] === true ? 'True' : 'False'}`, `    Restart Count:\t${str(cs['restartCount']) || '0'}`);
    const env = arr(c['env']);
    lines.push(...(env.length === 0 ? ['    Environment:\t<none>'] : ['    Environment:', ...env.map((e) => `      ${str(e['name'])}:\t${str(e['value'])}`)]));
  }
  const conditions = arr(status['conditions']);
  if (conditions.length > 0) {
    lines.push('Conditions:', '  Type\tStatus', ...conditions.map((c) => `  ${str(c['type'])} \t${str(c['status'])} `));
  }
  lines.push('Events:\t<none>');
  return finish(lines);
}

export function describeNode(node: unknown): string {
  const o = obj(node);
  const meta = obj(o['metadata']);
  const spec = obj(o['spec']);
  const status = obj(o['status']);
  const labels = obj(meta['labels']);
  const roles = Object.keys(labels).filter((k) => k.startsWith('node-role.kubernetes.io/')).map((k) => k.slice('node-role.kubernetes.io/'.length)).sort();
  const info = obj(status['nodeInfo']);
  const cidrs = Array.isArray(spec['podCIDRs']) ? spec['podCIDRs'].map(str) : [];
  const lines = [
    `Name:\t${str(meta['name'])}`,
    `Roles:\t${roles.length === 0 ? '<none>' : roles.join(',')}`,
    ...metaLines(meta),
    `CreationTimestamp:\t${rfc1123z(str(meta['creationTimestamp']))}`,
    `Unschedulable:\t${spec['unschedulable'] === true ? 'true' : 'false'}`,
  ];
  const conditions = arr(status['conditions']);
  if (conditions.length > 0) {
    lines.push('Conditions:', '  Type\tStatus\tReason\tMessage', '  ----\t------\t------\t-------',
      ...conditions.map((c) => `  ${str(c['type'])} \t${str(c['status'])} \t${str(c['reason'])} \t${str(c['message'])}`));
  }
  const addresses = arr(status['addresses']);
  lines.push(...(addresses.length === 0 ? ['Addresses:\t<none>'] : ['Addresses:', ...addresses.map((a) => `  ${str(a['type'])}:\t${str(a['address'])}`)]));
  if (Object.keys(info).length > 0) {
    lines.push('System Info:', ...Object.keys(info).sort().map((k) => `  ${k.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/^./, (c) => c.toUpperCase())}:\t${str(info[k])}`));
  }
  if (str(spec['podCIDR']) !== '') lines.push(`PodCIDR:\t${str(spec['podCIDR'])}`);
  if (cidrs.length > 0) lines.push(`PodCIDRs:\t${cidrs.join(',')}`);
  lines.push('Events:\t<none>');
  return finish(lines);
}

/**
 * fatih/camelcase Split, which kubectl's smartLabelFor uses: runs of lower case, upper case,
 * digits and other characters; an upper-case run followed by a lower-case one gives its
 * last letter to it ("toCIDRSet" → to, CIDR, Set).
 */
export function camelSplit(s: string): string[] {
  const kind = (c: string): number => (/\p{Ll}/u.test(c) ? 1 : /\p{Lu}/u.test(c) ? 2 : /\p{Nd}/u.test(c) ? 3 : 4);
  const runs: string[][] = [];
  let last = 0;
  for (const c of s) {
    const k = kind(c);
    if (k === last) runs[runs.length - 1]?.push(c);
    else runs.push([c]);
    last = k;
  }
  for (let i = 0; i < runs.length - 1; i++) {
    const a = runs[i] ?? [];
    const b = runs[i + 1] ?? [];
    if (kind(a[0] ?? '') === 2 && kind(b[0] ?? '') === 1 && a.length > 0) b.unshift(a.pop() ?? '');
  }
  return runs.filter((r) => r.length > 0).map((r) => r.join(''));
}

const COMMON_ACRONYMS = new Set(['API', 'URL', 'UID', 'OSB', 'GUID']);

/** kubectl's smartLabelFor: `creationTimestamp` → `Creation Timestamp`, `apiVersion` → `API Version`; names with other characters than letters and '-' as they are. */
export function smartLabelFor(field: string): string {
  if ([...field].some((c) => c !== '-' && !/\p{L}/u.test(c))) return field;
  return camelSplit(field).filter((p) => p !== '_')
    .map((p) => (COMMON_ACRONYMS.has(p.toUpperCase()) ? p.toUpperCase() : `${p.charAt(0).toUpperCase()}${p.slice(1)}`))
    .join(' ');
}

/** Go's %v of a JSON value, as kubectl prints unstructured content. */
function goValue(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** kubectl's printUnstructuredContent: fields sorted, maps and lists as nested sections, list items one after another. */
function unstructuredLines(content: Json, level: number, path: string, skip: ReadonlySet<string>): string[] {
  const indent = '  '.repeat(level);
  const out: string[] = [];
  for (const field of Object.keys(content).sort()) {
    const at = `${path}.${field}`;
    if (skip.has(at)) continue;
    const value = content[field];
    if (Array.isArray(value)) {
      out.push(`${indent}${smartLabelFor(field)}:`);
      for (const item of value) {
        if (typeof item === 'object' && item !== null && !Array.isArray(item)) out.push(...unstructuredLines(item as Json, level + 1, at, skip));
        else out.push(`${'  '.repeat(level + 1)}${goValue(item)}`);
      }
    } else if (typeof value === 'object' && value !== null) {
      out.push(`${indent}${smartLabelFor(field)}:`, ...unstructuredLines(value as Json, level + 1, at, skip));
    } else {
      out.push(`${indent}${smartLabelFor(field)}:\t${goValue(value)}`);
    }
  }
  return out;
}

const GENERIC_SKIP: ReadonlySet<string> = new Set(['.metadata.managedFields', '.metadata.name', '.metadata.namespace', '.metadata.labels', '.metadata.annotations']);

/**
 * kubectl's generic describer (the one for kinds it has no describer of its own: policy
 * CRDs): name, namespace, labels, annotations, then every field; no events are recorded
 * here. Then Palisade's plain-words reading of a policy (`explanation`) under `Palisade:`.
 */
export function describeGeneric(object: unknown, explanation: readonly string[]): string {
  const o = obj(object);
  const meta = obj(o['metadata']);
  const lines = [
    `Name:\t${str(meta['name'])}`,
    `Namespace:\t${str(meta['namespace'])}`,
    ...multiline('Labels', obj(meta['labels']), '='),
    ...multiline('Annotations', obj(meta['annotations']), ': ', [LAST_APPLIED]),
    ...unstructuredLines(o, 0, '', GENERIC_SKIP),
    'Events:\t<none>',
  ];
  return finish(lines) + (explanation.length === 0 ? '' : `\nPalisade:\n${explanation.map((l) => `  ${l}\n`).join('')}`);
}
