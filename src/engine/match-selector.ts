// Label selector matching and canonical selector keys. One matcher serves every dialect
// (model/selector.ts); canonical keys let compile dedupe identical selectors and cache
// their results, as Cilium's selector cache does.
import type { Labels } from '../model/labels.ts';
import type { NamespaceScope } from '../model/peer.ts';
import type { Selector } from '../model/selector.ts';

/** Whether `labels` satisfy `s`. `notIn`/`notExists` match an absent key (k8s NotIn/DoesNotExist). */
export function matchSelector(s: Selector, labels: Labels): boolean {
  switch (s.op) {
    case 'all': return true;
    case 'none': return false;
    case 'and':
      for (const c of s.of) if (!matchSelector(c, labels)) return false;
      return true;
    case 'or':
      for (const c of s.of) if (matchSelector(c, labels)) return true;
      return false;
    case 'not': return !matchSelector(s.of, labels);
    case 'in': {
      const v = Object.hasOwn(labels, s.key) ? labels[s.key] : undefined;
      return v !== undefined && s.values.includes(v);
    }
    case 'notIn': {
      const v = Object.hasOwn(labels, s.key) ? labels[s.key] : undefined;
      return v === undefined || !s.values.includes(v);
    }
    case 'exists': return Object.hasOwn(labels, s.key);
    case 'notExists': return !Object.hasOwn(labels, s.key);
    case 'contains':
    case 'startsWith':
    case 'endsWith': {
      const v = Object.hasOwn(labels, s.key) ? labels[s.key] : undefined;
      if (v === undefined) return false;
      if (s.op === 'contains') return v.includes(s.value);
      return s.op === 'startsWith' ? v.startsWith(s.value) : v.endsWith(s.value);
    }
  }
}

/**
 * A canonical text for a selector: equal keys mean equal selectors. Children of and/or and
 * value lists are sorted, single-child and/or are unwrapped, an empty `and` is `all`.
 */
export function selectorKey(s: Selector): string {
  switch (s.op) {
    case 'all': return '*';
    case 'none': return '!*';
    case 'and':
    case 'or': {
      const parts = [...new Set(s.of.map(selectorKey))].sort();
      if (parts.length === 0) return s.op === 'and' ? '*' : '!*';
      if (parts.length === 1) return parts[0] ?? '*';
      return `${s.op}(${parts.join(',')})`;
    }
    case 'not': return `not(${selectorKey(s.of)})`;
    case 'in':
    case 'notIn':
      return `${s.op}(${JSON.stringify(s.key)},${JSON.stringify([...new Set(s.values)].sort())})`;
    case 'exists':
    case 'notExists':
      return `${s.op}(${JSON.stringify(s.key)})`;
    case 'contains':
    case 'startsWith':
    case 'endsWith':
      return `${s.op}(${JSON.stringify(s.key)},${JSON.stringify(s.value)})`;
  }
}

export function namespaceScopeKey(scope: NamespaceScope): string {
  return scope.kind === 'names'
    ? `names${JSON.stringify([...new Set(scope.names)].sort())}`
    : `sel(${selectorKey(scope.selector)})`;
}
