// Label selector expressions shared by every policy dialect. Kubernetes selectors compile
// to `and` of requirements; Calico's selector grammar and Cilium's endpoint selectors
// compile to the same tree, so the engine has one matcher for all of them.

/**
 * A label selector over one label map.
 * - `all` matches everything (empty Kubernetes selector `{}`, Calico `all()`).
 * - `none` matches nothing (a selector that can never match).
 * - `in`: the key is present and its value is one of `values` (k8s In / matchLabels, Calico `==`, `in`).
 * - `notIn`: the key is absent OR its value is not in `values` (k8s NotIn, Calico `!=`, `not in`).
 * - `exists` / `notExists`: presence of the key (k8s Exists / DoesNotExist, Calico has() / !has()).
 * - `contains` / `startsWith` / `endsWith`: key present and its value has that substring (Calico).
 */
export type Selector =
  | { readonly op: 'all' }
  | { readonly op: 'none' }
  | { readonly op: 'and'; readonly of: readonly Selector[] }
  | { readonly op: 'or'; readonly of: readonly Selector[] }
  | { readonly op: 'not'; readonly of: Selector }
  | { readonly op: 'in'; readonly key: string; readonly values: readonly string[] }
  | { readonly op: 'notIn'; readonly key: string; readonly values: readonly string[] }
  | { readonly op: 'exists'; readonly key: string }
  | { readonly op: 'notExists'; readonly key: string }
  | { readonly op: 'contains' | 'startsWith' | 'endsWith'; readonly key: string; readonly value: string };

export const SELECT_ALL: Selector = Object.freeze({ op: 'all' });
export const SELECT_NONE: Selector = Object.freeze({ op: 'none' });
