// Where strategic merge patches merge lists instead of replacing them: the
// `patchStrategy`/`patchMergeKey` struct tags of the Go types served here
// (k8s.io/api/core/v1/types.go, k8s.io/apimachinery/pkg/apis/meta/v1/types.go;
// networking/v1 NetworkPolicy has none: its lists are atomic). Fields not described
// merge as maps and replace as lists, which is what the API server does for them too.

export interface PatchMeta {
  readonly fields?: Readonly<Record<string, PatchMeta>>;
  /** For a list: the meta of its items. */
  readonly items?: PatchMeta;
  /** Lists of objects merged by this key; `merge` without a key on a list of scalars means set union. */
  readonly strategy?: 'merge';
  readonly mergeKey?: string;
  /** `retainKeys` strategy: the map's fields not in the patch's `$retainKeys` are cleared. */
  readonly retainKeys?: boolean;
}

function mergedBy(mergeKey: string, items?: PatchMeta, retainKeys?: boolean): PatchMeta {
  return { strategy: 'merge', mergeKey, ...(items === undefined ? {} : { items }), ...(retainKeys === true ? { retainKeys } : {}) };
}

const CONDITIONS = mergedBy('type');

const OBJECT_META: PatchMeta = {
  fields: {
    finalizers: { strategy: 'merge' },
    ownerReferences: mergedBy('uid'),
  },
};

const CONTAINER: PatchMeta = {
  fields: {
    ports: mergedBy('containerPort'),
    env: mergedBy('name'),
    volumeMounts: mergedBy('mountPath'),
    volumeDevices: mergedBy('devicePath'),
  },
};

const POD: PatchMeta = {
  fields: {
    metadata: OBJECT_META,
    spec: {
      fields: {
        volumes: mergedBy('name', { retainKeys: true }, true),
        initContainers: mergedBy('name', CONTAINER),
        containers: mergedBy('name', CONTAINER),
        ephemeralContainers: mergedBy('name', CONTAINER),
        imagePullSecrets: mergedBy('name'),
        hostAliases: mergedBy('ip'),
        topologySpreadConstraints: mergedBy('topologyKey'),
        schedulingGates: mergedBy('name'),
        resourceClaims: mergedBy('name', { retainKeys: true }, true),
      },
    },
    status: { fields: { conditions: CONDITIONS, podIPs: mergedBy('ip'), hostIPs: mergedBy('ip') } },
  },
};

const SERVICE: PatchMeta = {
  fields: {
    metadata: OBJECT_META,
    spec: { fields: { ports: mergedBy('port') } },
    status: { fields: { conditions: CONDITIONS } },
  },
};

const NODE: PatchMeta = {
  fields: {
    metadata: OBJECT_META,
    spec: { fields: { podCIDRs: { strategy: 'merge' } } },
    status: { fields: { conditions: CONDITIONS, addresses: mergedBy('type') } },
  },
};

const NAMESPACE: PatchMeta = {
  fields: { metadata: OBJECT_META, status: { fields: { conditions: CONDITIONS } } },
};

const GENERIC: PatchMeta = { fields: { metadata: OBJECT_META } };

const BY_KIND: ReadonlyMap<string, PatchMeta> = new Map([
  ['v1/Pod', POD],
  ['v1/Service', SERVICE],
  ['v1/Node', NODE],
  ['v1/Namespace', NAMESPACE],
]);

/** The patch meta of a kind; kinds without list merge keys get metadata's only. */
export function patchMetaFor(apiVersion: string, kind: string): PatchMeta {
  return BY_KIND.get(`${apiVersion}/${kind}`) ?? GENERIC;
}
