// Reading `-f` manifests for apply and delete: files, directories and `-` through src/api
// (so YAML/JSON, multi-document and List inputs behave as in every other command), each
// object checked locally by its kind's handler so a mistake is reported with its file and
// line before (and besides) the server's verdict.
import { handlerKey } from '../../api/dialect.ts';
import type { HandlerTable } from '../../api/handlers.ts';
import type { Problem } from '../../api/problem.ts';
import { readInputs } from '../../api/read-inputs.ts';
import type { SourceDocument } from '../../api/source-document.ts';
import { lineOf } from '../../api/validation/field-path.ts';
import { Issues } from '../../api/validation/issues.ts';
import type { CliIo } from '../cli-io.ts';
import { checkStdinOnce } from '../load-inputs.ts';

export interface Manifest {
  readonly doc: SourceDocument;
  /** The object, when the document is one with apiVersion, kind and metadata.name. */
  readonly object?: Record<string, unknown>;
  /** Local problems of this document (errors and warnings), with file and line. */
  readonly problems: readonly Problem[];
}

export interface Manifests {
  readonly manifests: readonly Manifest[];
  /** Files that could not be read or parsed. */
  readonly readProblems: readonly Problem[];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function problem(doc: SourceDocument, name: string | undefined, severity: Problem['severity'], message: string, path?: string): Problem {
  const line = (path === undefined ? undefined : lineOf(doc.lines, path)) ?? doc.line;
  return {
    source: doc.source, ...(line === undefined ? {} : { line }), ...(name === undefined ? {} : { object: name }),
    ...(path === undefined || path === '' ? {} : { path }), message, severity,
  };
}

/** Checks one document with the handler of its kind; kinds without one are only shape-checked. */
export function checkDocument(doc: SourceDocument, handlers: HandlerTable): Manifest {
  const o = doc.object;
  if (!isObject(o)) return { doc, problems: [problem(doc, undefined, 'error', 'expected a Kubernetes object')] };
  const meta = isObject(o['metadata']) ? o['metadata'] : {};
  const name = typeof meta['name'] === 'string' && meta['name'] !== '' ? meta['name'] : undefined;
  const label = name === undefined ? undefined : typeof meta['namespace'] === 'string' ? `${meta['namespace']}/${name}` : name;
  if (typeof o['apiVersion'] !== 'string' || o['apiVersion'] === '' || typeof o['kind'] !== 'string' || o['kind'] === '') {
    return { doc, problems: [problem(doc, label, 'error', 'apiVersion and kind are required (strings)', typeof o['apiVersion'] !== 'string' ? 'apiVersion' : 'kind')] };
  }
  if (name === undefined) return { doc, problems: [problem(doc, label, 'error', 'required: metadata.name is required', 'metadata.name')] };
  const handler = handlers.get(handlerKey(o['apiVersion'], o['kind']));
  const problems: Problem[] = [];
  if (handler !== undefined) {
    const issues = new Issues();
    try {
      handler.decode(o, issues);
    } catch (e) {
      problems.push(problem(doc, label, 'error', `internal error while reading ${o['kind']}: ${e instanceof Error ? e.message : String(e)}`));
    }
    for (const i of issues.list) problems.push(problem(doc, label, i.severity, i.message, i.path));
  }
  return { doc, object: o, problems };
}

/** `handlers`: the command's (its wiring's default engine settings: validity does not depend on them). */
export async function readManifests(paths: readonly string[], io: CliIo, handlers: HandlerTable): Promise<Manifests> {
  checkStdinOnce(paths);
  const read = await readInputs(paths, io.stdin);
  return { manifests: read.documents.map((d) => checkDocument(d, handlers)), readProblems: read.problems };
}
