// The StatusWriter of a real cluster: the `palisade.io/enforcement` annotation set or
// removed by a JSON merge patch of metadata.annotations (null deletes a key, RFC 7386), so
// no read is needed and concurrent agents writing the same value change nothing (the API
// server skips a patch that changes nothing: no new resourceVersion, no watch event).
// Needs RBAC `patch` on the reported resources; an object deleted meanwhile is no error.
import type { KubeConfig } from '@kubernetes/client-node';
import type { ResourceType } from '../store/resource-registry.ts';
import { apiVersionOf } from '../store/resource-registry.ts';
import { KubeRequestError, kubeRequest, objectPath } from './kube-rest.ts';
import type { EnforcementReport, ObjectRef, StatusWriter } from './status-writer.ts';
import { ENFORCEMENT_ANNOTATION, formatReport, refText } from './status-writer.ts';

export function kubernetesStatusWriter(kc: KubeConfig, resources: readonly ResourceType[]): StatusWriter {
  const byKind = new Map(resources.map((t) => [`${apiVersionOf(t)}/${t.kind}`, t]));
  return {
    async write(ref: ObjectRef, report: EnforcementReport | null): Promise<void> {
      const type = byKind.get(`${ref.apiVersion}/${ref.kind}`);
      if (type === undefined) throw new Error(`cannot report on ${refText(ref)}: ${ref.apiVersion} ${ref.kind} is not a followed resource`);
      const body = { metadata: { annotations: { [ENFORCEMENT_ANNOTATION]: report === null ? null : formatReport(report) } } };
      try {
        await kubeRequest(kc, { method: 'PATCH', path: objectPath(type, ref.name, ref.namespace), body, contentType: 'application/merge-patch+json' });
      } catch (err) {
        if (err instanceof KubeRequestError && err.statusCode === 404) return;
        throw err;
      }
    },
  };
}
