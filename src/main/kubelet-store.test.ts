// The kubelet's edge to the store: Pod JSON → KubeletPod (commands, ports with the TCP
// default, the lab IP annotation, observed status), and the status JSON it writes, shaped
// as pkg/kubelet/status writes it so `kubectl get pods -o wide` shows 1/1 Running, IP, NODE
// (kubectl's printers read containerStatuses[].ready/restartCount and status.podIP).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { StoredObject } from '../store/store-object.ts';
import { kubeletPod, podStatusJson } from './kubelet-store.ts';

const stored = (extra: Record<string, unknown>): StoredObject => ({
  apiVersion: 'v1', kind: 'Pod',
  metadata: { name: 'server', namespace: 'demo', uid: 'u1', resourceVersion: '5', creationTimestamp: '2025-01-01T00:00:00Z', annotations: { 'lab.palisade.io/ip': '10.10.0.1' } },
  ...extra,
});

describe('kubeletPod', () => {
  it('reads the walkthrough server pod (kubectl run --port=80 --command -- /agnhost serve-hostname ...)', () => {
    const p = kubeletPod(stored({
      spec: { nodeName: 'node-1', containers: [{ name: 'server', image: 'agnhost:2.33', command: ['/agnhost', 'serve-hostname'], args: ['--tcp', '--port', '80'], ports: [{ containerPort: 80 }] }] },
      status: { phase: 'Running', podIP: '10.10.0.1', podIPs: [{ ip: '10.10.0.1' }, { ip: 'fd00::1' }], conditions: [{ type: 'Ready', status: 'True' }] },
    }));
    assert.deepEqual(p, {
      namespace: 'demo', name: 'server', uid: 'u1', nodeName: 'node-1', hostNetwork: false, pinnedIp: '10.10.0.1',
      containers: [{ name: 'server', image: 'agnhost:2.33', argv: ['/agnhost', 'serve-hostname', '--tcp', '--port', '80'], ports: [{ port: 80, protocol: 'TCP' }] }],
      status: { phase: 'Running', podIPs: ['10.10.0.1', 'fd00::1'], ready: true },
    });
  });

  it('a new pod: no node, no status', () => {
    const p = kubeletPod(stored({ spec: { containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 53, protocol: 'UDP', name: 'dns' }] }] } }));
    assert.equal(p.nodeName, undefined);
    assert.deepEqual(p.status, { podIPs: [], ready: false });
    assert.deepEqual(p.containers[0]?.ports, [{ port: 53, protocol: 'UDP', name: 'dns' }]);
  });
});

describe('podStatusJson', () => {
  it('writes a running pod as a kubelet does', () => {
    const t = Date.UTC(2025, 0, 2, 3, 4, 5);
    const s = podStatusJson({ phase: 'Running', podIPs: ['10.240.0.2'], hostIP: '10.239.255.1', startTime: t, ready: true, containers: [{ name: 'server', image: 'agnhost', ready: true, startedAt: t }] });
    assert.equal(s['phase'], 'Running');
    assert.equal(s['podIP'], '10.240.0.2');
    assert.deepEqual(s['podIPs'], [{ ip: '10.240.0.2' }]);
    assert.equal(s['hostIP'], '10.239.255.1');
    assert.equal(s['startTime'], '2025-01-02T03:04:05Z');
    const conds = (s['conditions'] as Array<{ type: string; status: string }>).map((c) => `${c.type}=${c.status}`);
    assert.deepEqual(conds, ['Initialized=True', 'Ready=True', 'ContainersReady=True', 'PodScheduled=True']);
    assert.deepEqual(s['containerStatuses'], [{
      name: 'server', image: 'agnhost', imageID: '', containerID: '', ready: true, started: true, restartCount: 0,
      state: { running: { startedAt: '2025-01-02T03:04:05Z' } },
    }]);
  });

  it('a pod the lab could not start stays Pending with the reason', () => {
    const s = podStatusJson({ phase: 'Pending', podIPs: [], startTime: 0, ready: false, reason: 'LabError', message: 'ip taken', containers: [{ name: 'c', image: 'i', ready: false, waitingReason: 'CreateContainerError', message: 'ip taken' }] });
    assert.equal(s['podIP'], undefined);
    assert.deepEqual((s['containerStatuses'] as Array<{ state: unknown }>)[0]?.state, { waiting: { reason: 'CreateContainerError', message: 'ip taken' } });
  });
});
