// HTTP-level behaviour of the embedded API server, one named case per verb and error,
// each checked against what kube-apiserver answers (status code, Status reason and
// message as k8s.io/apimachinery/pkg/api/errors words them, the shapes of
// https://kubernetes.io/docs/reference/using-api/api-concepts/).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ResourceRegistry } from '../store/resource-registry.ts';
import { NS_DEMO, TOKEN, podBody, policyBody, testServer } from './test-support.ts';

/** Every API group the default registry serves (core + each policy dialect's CRD group), sorted. */
const DEFAULT_TYPES = new ResourceRegistry().all();
const GROUPS = [...new Set(DEFAULT_TYPES.map((t) => t.group).filter((g) => g !== ''))].sort();
const GROUP_VERSIONS = [...new Set(DEFAULT_TYPES.map((t) => (t.group === '' ? `api/${t.version}` : `apis/${t.group}/${t.version}`)))].sort();

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface Step {
  readonly method: string;
  readonly path: string;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

interface Case {
  readonly name: string;
  readonly setup?: readonly Step[];
  readonly request: Step;
  readonly status: number;
  /** Status.reason for failures. */
  readonly reason?: string;
  readonly message?: string | RegExp;
  readonly check?: (body: Json, res: Response) => void;
}

const NP = '/apis/networking.k8s.io/v1/namespaces/demo/networkpolicies';
const PODS = '/api/v1/namespaces/demo/pods';
const withDemo = (...steps: Step[]): Step[] => [{ method: 'POST', path: '/api/v1/namespaces', body: NS_DEMO }, ...steps];
const SMP = { 'content-type': 'application/strategic-merge-patch+json' };
const TABLE = { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' };

const CASES: readonly Case[] = [
  {
    name: 'no token: 401 Unauthorized Status',
    request: { method: 'GET', path: '/api/v1/namespaces', headers: { authorization: '' } },
    status: 401, reason: 'Unauthorized', message: 'Unauthorized',
  },
  {
    name: 'wrong token: 401, also on /healthz',
    request: { method: 'GET', path: '/healthz', headers: { authorization: `Bearer ${TOKEN}x` } },
    status: 401, reason: 'Unauthorized',
  },
  { name: 'healthz answers ok', request: { method: 'GET', path: '/readyz' }, status: 200 },
  {
    name: 'version names the mirrored Kubernetes minor',
    request: { method: 'GET', path: '/version' }, status: 200,
    check: (b) => { assert.equal(b['major'], '1'); assert.equal(b['minor'], '32'); },
  },
  {
    name: '/api lists v1',
    request: { method: 'GET', path: '/api' }, status: 200,
    check: (b) => assert.deepEqual(b['versions'], ['v1']),
  },
  {
    name: '/api/v1 lists resources with verbs, short names and status subresources',
    request: { method: 'GET', path: '/api/v1' }, status: 200,
    check: (b) => {
      const pods = (b['resources'] as Json[]).find((r) => r['name'] === 'pods');
      assert.deepEqual(pods?.['shortNames'], ['po']);
      assert.equal(pods?.['namespaced'], true);
      assert.ok((pods?.['verbs'] as string[]).includes('watch'));
      assert.ok((b['resources'] as Json[]).some((r) => r['name'] === 'namespaces/status'));
    },
  },
  {
    name: '/apis lists networking.k8s.io and every registered group',
    request: { method: 'GET', path: '/apis' }, status: 200,
    check: (b) => {
      const names = (b['groups'] as Json[]).map((g) => g['name'] as string);
      assert.ok(names.includes('networking.k8s.io'));
      assert.deepEqual([...names].sort(), GROUPS);
    },
  },
  {
    name: '/apis/networking.k8s.io/v1 has networkpolicies (netpol)',
    request: { method: 'GET', path: '/apis/networking.k8s.io/v1' }, status: 200,
    check: (b) => assert.deepEqual((b['resources'] as Json[])[0]?.['shortNames'], ['netpol']),
  },
  {
    name: 'openapi v3 index points at one document per group-version',
    request: { method: 'GET', path: '/openapi/v3' }, status: 200,
    check: (b) => {
      assert.ok(GROUP_VERSIONS.includes('apis/networking.k8s.io/v1'));
      assert.deepEqual(Object.keys(b['paths'] as Json).sort(), GROUP_VERSIONS);
    },
  },
  {
    name: 'openapi v3 PATCH operations declare fieldValidation (kubectl then validates server-side)',
    request: { method: 'GET', path: '/openapi/v3/apis/networking.k8s.io/v1' }, status: 200,
    check: (b) => {
      const patch = (b['paths'] as Json)['/apis/networking.k8s.io/v1/namespaces/{namespace}/networkpolicies/{name}']['patch'] as Json;
      assert.deepEqual(patch['x-kubernetes-group-version-kind'], { group: 'networking.k8s.io', version: 'v1', kind: 'NetworkPolicy' });
      assert.ok((patch['parameters'] as Json[]).some((p) => p['name'] === 'fieldValidation' && p['in'] === 'query'));
    },
  },
  {
    name: 'unknown resource: 404 NotFound',
    request: { method: 'GET', path: '/api/v1/namespaces/demo/widgets' },
    status: 404, reason: 'NotFound', message: 'the server could not find the requested resource',
  },
  {
    name: 'unknown group: 404',
    request: { method: 'GET', path: '/apis/example.com/v1' }, status: 404, reason: 'NotFound',
  },
  {
    name: 'create: 201 with server fields; the namespace comes from the URL',
    setup: withDemo(),
    request: { method: 'POST', path: PODS, body: podBody('web', { app: 'web' }) }, status: 201,
    check: (b) => {
      assert.equal(b['metadata']['namespace'], 'demo');
      assert.equal(b['metadata']['uid'], 'uid-6');
      assert.equal(b['status']['phase'], 'Pending');
      assert.equal(b['spec']['containers'][0]['ports'][0]['protocol'], 'TCP');
    },
  },
  {
    name: 'create a namespace: labelled kubernetes.io/metadata.name and Active',
    request: { method: 'POST', path: '/api/v1/namespaces', body: NS_DEMO }, status: 201,
    check: (b) => {
      assert.equal(b['metadata']['labels']['kubernetes.io/metadata.name'], 'demo');
      assert.equal(b['status']['phase'], 'Active');
    },
  },
  {
    name: 'create in a missing namespace: 404 namespaces "x" not found',
    request: { method: 'POST', path: '/api/v1/namespaces/nowhere/pods', body: podBody('web') },
    status: 404, reason: 'NotFound', message: 'namespaces "nowhere" not found',
  },
  {
    name: 'create twice: 409 AlreadyExists',
    setup: withDemo({ method: 'POST', path: PODS, body: podBody('web') }),
    request: { method: 'POST', path: PODS, body: podBody('web') },
    status: 409, reason: 'AlreadyExists', message: 'pods "web" already exists',
  },
  {
    name: 'create with a body namespace other than the URL\'s: 400',
    setup: withDemo(),
    request: { method: 'POST', path: PODS, body: { ...podBody('web'), metadata: { name: 'web', namespace: 'other' } } },
    status: 400, reason: 'BadRequest', message: 'the namespace of the provided object does not match the namespace sent on the request',
  },
  {
    name: 'malformed JSON: 400 BadRequest',
    setup: withDemo(),
    request: { method: 'POST', path: PODS, body: '{"apiVersion": ' }, status: 400, reason: 'BadRequest',
  },
  {
    name: 'protobuf of an unsupported kind: 415',
    setup: withDemo(),
    request: { method: 'POST', path: PODS, body: 'k8s\u0000', headers: { 'content-type': 'application/vnd.kubernetes.protobuf' } },
    status: 415, reason: 'UnsupportedMediaType',
  },
  {
    name: 'invalid NetworkPolicy: 422 Invalid with field causes, nothing stored',
    setup: withDemo(),
    request: {
      method: 'POST', path: NP,
      body: policyBody('bad', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/33' } }] }] }),
    },
    status: 422, reason: 'Invalid',
    message: 'NetworkPolicy.networking.k8s.io "bad" is invalid: spec.ingress[0].from[0].ipBlock.cidr: invalid value "10.0.0.0/33": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
    check: (b) => {
      assert.equal(b['details']['kind'], 'NetworkPolicy');
      assert.equal(b['details']['causes'][0]['field'], 'spec.ingress[0].from[0].ipBlock.cidr');
      assert.equal(b['details']['causes'][0]['reason'], 'FieldValueInvalid');
    },
  },
  {
    name: 'unknown field with fieldValidation=Strict: 400 strict decoding error',
    setup: withDemo(),
    request: { method: 'POST', path: `${NP}?fieldValidation=Strict`, body: policyBody('p', { podSelector: {}, bogus: 1 }) },
    status: 400, reason: 'BadRequest', message: /strict decoding error: unknown field "spec.bogus"/,
  },
  {
    name: 'unknown field with fieldValidation=Warn: created with a Warning header',
    setup: withDemo(),
    request: { method: 'POST', path: `${NP}?fieldValidation=Warn`, body: policyBody('p', { podSelector: {}, bogus: 1 }) },
    status: 201,
    check: (_b, res) => assert.equal(res.headers.get('warning'), '299 - "unknown field \\"spec.bogus\\""'),
  },
  {
    name: 'bad fieldValidation value: 400',
    setup: withDemo(),
    request: { method: 'POST', path: `${NP}?fieldValidation=Loose`, body: policyBody('p') }, status: 400, reason: 'BadRequest',
  },
  {
    name: 'dryRun=All create: 201, nothing stored',
    setup: withDemo({ method: 'POST', path: `${NP}?dryRun=All`, body: policyBody('p') }),
    request: { method: 'GET', path: `${NP}/p` }, status: 404, reason: 'NotFound',
    message: 'networkpolicies.networking.k8s.io "p" not found',
  },
  {
    name: 'get: the object; policyTypes defaulted',
    setup: withDemo({ method: 'POST', path: NP, body: policyBody('p') }),
    request: { method: 'GET', path: `${NP}/p` }, status: 200,
    check: (b) => assert.deepEqual(b['spec']['policyTypes'], ['Ingress']),
  },
  {
    name: 'get missing: 404 with details',
    setup: withDemo(),
    request: { method: 'GET', path: `${PODS}/x` }, status: 404, reason: 'NotFound', message: 'pods "x" not found',
    check: (b) => assert.deepEqual(b['details'], { name: 'x', group: '', kind: 'pods' }),
  },
  {
    name: 'list with labelSelector',
    setup: withDemo({ method: 'POST', path: PODS, body: podBody('a', { app: 'a' }) }, { method: 'POST', path: PODS, body: podBody('b', { app: 'b' }) }),
    request: { method: 'GET', path: `${PODS}?labelSelector=app%3Db` }, status: 200,
    check: (b) => {
      assert.equal(b['kind'], 'PodList');
      assert.deepEqual((b['items'] as Json[]).map((i) => i['metadata']['name']), ['b']);
    },
  },
  {
    name: 'list all namespaces with fieldSelector',
    setup: withDemo({ method: 'POST', path: PODS, body: podBody('a') }, { method: 'POST', path: PODS, body: podBody('b') }),
    request: { method: 'GET', path: '/api/v1/pods?fieldSelector=metadata.name%21%3Da' }, status: 200,
    check: (b) => assert.deepEqual((b['items'] as Json[]).map((i) => i['metadata']['name']), ['b']),
  },
  {
    name: 'unsupported field selector: 400',
    request: { method: 'GET', path: '/api/v1/pods?fieldSelector=spec.containers%3Dx' }, status: 400, reason: 'BadRequest',
  },
  {
    name: 'list as Table: pod columns as kube-apiserver prints them',
    setup: withDemo({ method: 'POST', path: PODS, body: podBody('a') }),
    request: { method: 'GET', path: PODS, headers: TABLE }, status: 200,
    check: (b) => {
      assert.equal(b['kind'], 'Table');
      assert.deepEqual((b['columnDefinitions'] as Json[]).map((c) => [c['name'], c['priority']]), [
        ['Name', 0], ['Ready', 0], ['Status', 0], ['Restarts', 0], ['Age', 0], ['IP', 1], ['Node', 1], ['Nominated Node', 1], ['Readiness Gates', 1],
      ]);
      assert.deepEqual(b['rows'][0]['cells'], ['a', '0/1', 'Pending', '0', '0s', '<none>', '<none>', '<none>', '<none>']);
      assert.equal(b['rows'][0]['object']['kind'], 'PartialObjectMetadata');
    },
  },
  {
    name: 'namespaces as Table: NAME STATUS AGE',
    request: { method: 'GET', path: '/api/v1/namespaces/default', headers: TABLE }, status: 200,
    check: (b) => assert.deepEqual(b['rows'][0]['cells'], ['default', 'Active', '0s']),
  },
  {
    name: 'networkpolicies as Table: NAME POD-SELECTOR AGE',
    setup: withDemo({ method: 'POST', path: NP, body: policyBody('p', { podSelector: { matchLabels: { app: 'server' } } }) }),
    request: { method: 'GET', path: NP, headers: TABLE }, status: 200,
    check: (b) => assert.deepEqual(b['rows'][0]['cells'], ['p', 'app=server', '0s']),
  },
  {
    name: 'update with a stale resourceVersion: 409 Conflict',
    setup: withDemo({ method: 'POST', path: NP, body: policyBody('p') }),
    request: { method: 'PUT', path: `${NP}/p`, body: { ...policyBody('p'), metadata: { name: 'p', resourceVersion: '1' } } },
    status: 409, reason: 'Conflict',
    message: 'Operation cannot be fulfilled on networkpolicies.networking.k8s.io "p": the object has been modified; please apply your changes to the latest version and try again',
  },
  {
    name: 'update with the name differing from the URL: 400',
    setup: withDemo({ method: 'POST', path: NP, body: policyBody('p') }),
    request: { method: 'PUT', path: `${NP}/p`, body: policyBody('q') }, status: 400, reason: 'BadRequest',
  },
  {
    name: 'update without resourceVersion: 200 (unconditional)',
    setup: withDemo({ method: 'POST', path: NP, body: policyBody('p') }),
    request: { method: 'PUT', path: `${NP}/p`, body: policyBody('p', { podSelector: { matchLabels: { a: 'b' } } }) }, status: 200,
    check: (b) => assert.equal(b['metadata']['generation'], 2),
  },
  {
    name: 'status subresource: PUT changes only status',
    setup: withDemo({ method: 'POST', path: PODS, body: podBody('a') }),
    request: { method: 'PUT', path: `${PODS}/a/status`, body: { ...podBody('a', { ignored: 'yes' }), status: { phase: 'Running', podIP: '10.0.0.5' } } },
    status: 200,
    check: (b) => {
      assert.equal(b['status']['phase'], 'Running');
      assert.deepEqual(b['metadata']['labels'] ?? {}, {});
    },
  },
  {
    name: 'status subresource on a resource without one: 404',
    setup: withDemo({ method: 'POST', path: NP, body: policyBody('p') }),
    request: { method: 'GET', path: `${NP}/p/status` }, status: 404, reason: 'NotFound',
  },
  {
    name: 'merge patch: labels merged, null deletes',
    setup: withDemo({ method: 'POST', path: PODS, body: podBody('a', { app: 'a', tier: 'x' }) }),
    request: {
      method: 'PATCH', path: `${PODS}/a`, headers: { 'content-type': 'application/merge-patch+json' },
      body: { metadata: { labels: { app: 'b', tier: null } } },
    },
    status: 200, check: (b) => assert.deepEqual(b['metadata']['labels'], { app: 'b' }),
  },
  {
    name: 'strategic merge patch: containers merged by name (kubectl set image)',
    setup: withDemo({ method: 'POST', path: PODS, body: podBody('a') }),
    request: { method: 'PATCH', path: `${PODS}/a`, headers: SMP, body: { spec: { containers: [{ name: 'a', image: 'nginx:1' }] } } },
    status: 200,
    check: (b) => {
      assert.equal(b['spec']['containers'].length, 1);
      assert.equal(b['spec']['containers'][0]['image'], 'nginx:1');
      assert.equal(b['spec']['containers'][0]['ports'][0]['containerPort'], 80);
    },
  },
  {
    name: 'json patch: add a label',
    setup: withDemo({ method: 'POST', path: PODS, body: podBody('a', { app: 'a' }) }),
    request: {
      method: 'PATCH', path: `${PODS}/a`, headers: { 'content-type': 'application/json-patch+json' },
      body: [{ op: 'add', path: '/metadata/labels/tier', value: 'db' }],
    },
    status: 200, check: (b) => assert.deepEqual(b['metadata']['labels'], { app: 'a', tier: 'db' }),
  },
  {
    name: 'json patch test failure: 422, nothing changed',
    setup: withDemo({ method: 'POST', path: PODS, body: podBody('a', { app: 'a' }) }),
    request: {
      method: 'PATCH', path: `${PODS}/a`, headers: { 'content-type': 'application/json-patch+json' },
      body: [{ op: 'test', path: '/metadata/labels/app', value: 'z' }],
    },
    status: 422, reason: 'Invalid',
  },
  {
    name: 'patch that makes a policy invalid: 422 with the field',
    setup: withDemo({ method: 'POST', path: NP, body: policyBody('p') }),
    request: { method: 'PATCH', path: `${NP}/p`, headers: SMP, body: { spec: { ingress: [{ ports: [{ port: 80, protocol: 'ICMP' }] }] } } },
    status: 422, reason: 'Invalid', message: /spec\.ingress\[0\]\.ports\[0\]\.protocol/,
  },
  {
    name: 'patch of a missing object: 404',
    setup: withDemo(),
    request: { method: 'PATCH', path: `${PODS}/nope`, headers: SMP, body: { metadata: { labels: { a: 'b' } } } },
    status: 404, reason: 'NotFound', message: 'pods "nope" not found',
  },
  {
    name: 'server-side apply: 415 with a clear message',
    setup: withDemo({ method: 'POST', path: PODS, body: podBody('a') }),
    request: { method: 'PATCH', path: `${PODS}/a`, headers: { 'content-type': 'application/apply-patch+yaml' }, body: 'metadata: {}' },
    status: 415, reason: 'UnsupportedMediaType', message: /server-side apply/,
  },
  {
    name: 'delete: the pod back, then gone',
    setup: withDemo({ method: 'POST', path: PODS, body: podBody('a') }),
    request: { method: 'DELETE', path: `${PODS}/a`, body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' } },
    status: 200, check: (b) => assert.equal(b['metadata']['name'], 'a'),
  },
  {
    name: 'delete a policy: Success Status',
    setup: withDemo({ method: 'POST', path: NP, body: policyBody('p') }),
    request: { method: 'DELETE', path: `${NP}/p` }, status: 200,
    check: (b) => { assert.equal(b['kind'], 'Status'); assert.equal(b['status'], 'Success'); },
  },
  {
    name: 'delete with a failing uid precondition: 409',
    setup: withDemo({ method: 'POST', path: PODS, body: podBody('a') }),
    request: { method: 'DELETE', path: `${PODS}/a`, body: { preconditions: { uid: 'other' } } },
    status: 409, reason: 'Conflict', message: /Precondition failed: UID in precondition: other/,
  },
  {
    name: 'delete with a bad propagationPolicy: 400',
    setup: withDemo({ method: 'POST', path: PODS, body: podBody('a') }),
    request: { method: 'DELETE', path: `${PODS}/a`, body: { propagationPolicy: 'Sideways' } }, status: 400, reason: 'BadRequest',
  },
  {
    name: 'delete a system namespace: 403',
    request: { method: 'DELETE', path: '/api/v1/namespaces/default' }, status: 403, reason: 'Forbidden',
  },
  {
    name: 'delete a namespace takes its pods',
    setup: withDemo({ method: 'POST', path: PODS, body: podBody('a') }, { method: 'DELETE', path: '/api/v1/namespaces/demo' }),
    request: { method: 'GET', path: '/api/v1/pods' }, status: 200,
    check: (b) => assert.deepEqual(b['items'], []),
  },
  {
    name: 'deletecollection with a selector',
    setup: withDemo({ method: 'POST', path: PODS, body: podBody('a', { x: '1' }) }, { method: 'POST', path: PODS, body: podBody('b') }, { method: 'DELETE', path: `${PODS}?labelSelector=x` }),
    request: { method: 'GET', path: PODS }, status: 200,
    check: (b) => assert.deepEqual((b['items'] as Json[]).map((i) => i['metadata']['name']), ['b']),
  },
  {
    name: 'POST to an item: 405',
    setup: withDemo(),
    request: { method: 'POST', path: `${PODS}/a`, body: podBody('a') }, status: 405, reason: 'MethodNotAllowed',
  },
];

for (const c of CASES) {
  test(`api server: ${c.name}`, async () => {
    const { call } = testServer();
    for (const s of c.setup ?? []) {
      const res = await call(s.method, s.path, { body: s.body, ...(s.headers === undefined ? {} : { headers: s.headers }) });
      assert.ok(res.ok, `setup ${s.method} ${s.path}: ${res.status} ${await res.text()}`);
    }
    const r = c.request;
    const res = await call(r.method, r.path, { body: r.body, ...(r.headers === undefined ? {} : { headers: r.headers }) });
    const text = await res.text();
    assert.equal(res.status, c.status, text);
    const body = (res.headers.get('content-type') ?? '').startsWith('application/json') ? JSON.parse(text) as Json : { text };
    if (c.reason !== undefined) {
      assert.equal(body['kind'], 'Status');
      assert.equal(body['code'], c.status);
      assert.equal(body['reason'], c.reason);
    }
    if (typeof c.message === 'string') assert.equal(body['message'], c.message);
    else if (c.message !== undefined) assert.match(String(body['message']), c.message);
    c.check?.(body, res);
  });
}
