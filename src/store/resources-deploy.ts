// The kinds deploy/ installs on a real cluster (ServiceAccount, ClusterRole,
// ClusterRoleBinding, DaemonSet), as plain stored types: registered (only) where the
// manifests are checked with `kubectl apply --dry-run=server` against the embedded API
// server (test/e2e/deploy-manifests.test.ts). They are not in the default registry: the
// embedded cluster has no use for them, and a DaemonSet there would be taken for a
// workload by the agent's model. Validation is the store's own (metadata) plus whatever
// src/api has a handler for (apps/v1 DaemonSet: selector against template labels, ports).
import type { ResourceType } from './resource-registry.ts';

export const DEPLOY_RESOURCES: readonly ResourceType[] = [
  { group: '', version: 'v1', resource: 'serviceaccounts', kind: 'ServiceAccount', singular: 'serviceaccount', namespaced: true, shortNames: ['sa'], statusSubresource: false },
  { group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'clusterroles', kind: 'ClusterRole', singular: 'clusterrole', namespaced: false, statusSubresource: false },
  { group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'clusterrolebindings', kind: 'ClusterRoleBinding', singular: 'clusterrolebinding', namespaced: false, statusSubresource: false },
  { group: 'apps', version: 'v1', resource: 'daemonsets', kind: 'DaemonSet', singular: 'daemonset', namespaced: true, shortNames: ['ds'], statusSubresource: true },
];
