// Decodes request bodies: JSON (what kubectl and client-node send) or YAML, into plain
// values; malformed input is a 400 BadRequest, as the API server's decoder answers.
// Protobuf and CBOR are refused with 415, on which client-go (kubectl's typed clients
// default to protobuf) retries the request as JSON.
import { parse as parseYaml } from 'yaml';
import { badRequest } from '../store/store-errors.ts';
import { unsupportedMediaType } from './api-status.ts';

export function mediaType(contentType: string | null): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/** Bodies this server decodes; client-go retries with JSON when the server answers 415 to protobuf or CBOR. */
export const DECODABLE = ['application/json', 'application/yaml', '', 'application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json'];

export function decodeBody(text: string, contentType: string | null): unknown {
  const type = mediaType(contentType);
  if (!DECODABLE.includes(type)) {
    throw unsupportedMediaType(`the body of the request was in an unknown format - accepted media types include: application/json, application/yaml`);
  }
  try {
    if (type === 'application/yaml' || type === 'application/apply-patch+yaml') return parseYaml(text) as unknown;
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw badRequest(`the request body could not be decoded: ${err instanceof Error ? err.message : String(err)}`);
  }
}
