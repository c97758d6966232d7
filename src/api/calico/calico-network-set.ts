// projectcalico.org/v3 NetworkSet (namespaced) and GlobalNetworkSet
// (docs.tigera.io/calico/latest/reference/resources/{networkset,globalnetworkset}):
// labelled lists of nets (and allowed egress domains) that policy selectors match by IP.
import type { NetworkSet } from '../../model/cluster.ts';
import type { KindHandler } from '../dialect.ts';
import { readObjectMeta } from '../k8s/object-meta.ts';
import { isDns1123Subdomain } from '../validation/names.ts';
import { readObject, readStringList } from '../validation/shape.ts';
import { readNets } from './calico-rule.ts';
import { CALICO_API_VERSION } from './calico-policy.ts';

function networkSetHandler(kind: 'NetworkSet' | 'GlobalNetworkSet'): KindHandler {
  const namespaced = kind === 'NetworkSet';
  return {
    apiVersion: CALICO_API_VERSION,
    kind,
    decode(obj, issues) {
      readObject(obj, '', issues, ['apiVersion', 'kind', 'metadata', 'spec']);
      const meta = readObjectMeta(obj['metadata'], issues, { namespaced, nameRule: isDns1123Subdomain });
      const spec = readObject(obj['spec'], 'spec', issues, ['nets', 'allowedEgressDomains']) ?? {};
      const nets = readNets(spec['nets'], 'spec.nets', issues) ?? [];
      const domains = readStringList(spec['allowedEgressDomains'], 'spec.allowedEgressDomains', issues) ?? [];
      if (domains.length > 0) issues.warn('spec.allowedEgressDomains', 'domains of network sets are kept but not matched: they need DNS learning');
      if (issues.hasErrors || meta === undefined) return { objects: [] };
      const namespace = namespaced ? meta.namespace : undefined;
      const networkSet: NetworkSet = {
        key: namespace === undefined ? meta.name : `${namespace}/${meta.name}`,
        ...(namespace === undefined ? {} : { namespace }),
        name: meta.name, labels: meta.labels, nets, domains,
      };
      return { name: meta.name, ...(namespace === undefined ? {} : { namespace }), objects: [{ type: 'networkSet', networkSet }] };
    },
  };
}

export const CALICO_NETWORK_SET_HANDLERS: readonly KindHandler[] = [networkSetHandler('NetworkSet'), networkSetHandler('GlobalNetworkSet')];
