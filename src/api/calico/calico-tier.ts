// projectcalico.org/v3 Tier (docs.tigera.io/calico/latest/reference/resources/tier):
// `order` (lower first; absent = after every ordered tier) and `defaultAction` (Deny,
// the default: a tier that selected the endpoint and matched nothing denies; Pass: go on
// to the next tier). Calico's built-in `default` tier is the IR's default tier already.
import type { Tier } from '../../model/tier.ts';
import { DEFAULT_TIER } from '../../model/tier.ts';
import type { KindHandler } from '../dialect.ts';
import { readObjectMeta } from '../k8s/object-meta.ts';
import { isDns1123Label } from '../validation/names.ts';
import { readObject, readString } from '../validation/shape.ts';
import { CALICO_API_VERSION, CALICO_NO_ORDER } from './calico-policy.ts';

export const tierHandler: KindHandler = {
  apiVersion: CALICO_API_VERSION,
  kind: 'Tier',
  decode(obj, issues) {
    readObject(obj, '', issues, ['apiVersion', 'kind', 'metadata', 'spec']);
    const meta = readObjectMeta(obj['metadata'], issues, { namespaced: false, nameRule: isDns1123Label });
    const spec = readObject(obj['spec'], 'spec', issues, ['order', 'defaultAction']) ?? {};
    const rawOrder = spec['order'];
    let order = CALICO_NO_ORDER;
    if (rawOrder != null) {
      if (typeof rawOrder === 'number' && Number.isFinite(rawOrder)) order = rawOrder;
      else issues.wrongType('spec.order', 'a number', rawOrder);
    }
    const action = readString(spec['defaultAction'], 'spec.defaultAction', issues) ?? 'Deny';
    if (action !== 'Deny' && action !== 'Pass') issues.notSupported('spec.defaultAction', action, ['Deny', 'Pass']);
    if (issues.hasErrors || meta === undefined) return { objects: [] };
    if (meta.name === DEFAULT_TIER.name) {
      if (action !== 'Deny' || (rawOrder != null && order !== DEFAULT_TIER.order)) {
        issues.warn('spec', `the default tier is built in (order ${DEFAULT_TIER.order}, defaultAction Deny); these settings are ignored`);
      }
      return { name: meta.name, objects: [] };
    }
    const tier: Tier = { name: meta.name, order, onNoMatch: action === 'Deny' ? 'deny-if-selected' : 'next' };
    return { name: meta.name, objects: [{ type: 'tier', tier }] };
  },
};
