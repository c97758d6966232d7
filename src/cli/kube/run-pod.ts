// The Pod that `run` creates, shaped as kubectl run's generator makes it
// (k8s.io/kubectl/pkg/generate/versioned/run.go BasicPod): one container named after the
// pod, label `run=NAME` unless --labels is given, the container port, and the arguments
// after `--` as args (or as the command with --command). Pure.
import { CliError } from '../cli-error.ts';

export interface RunSpec {
  readonly name: string;
  readonly image: string;
  readonly namespace: string;
  /** `k=v,k2=v2`; absent: `run=NAME`. */
  readonly labels?: string;
  /** `k=v,...`, repeatable, as kubectl's --annotations. */
  readonly annotations?: readonly string[];
  readonly port?: string;
  readonly command: boolean;
  readonly args: readonly string[];
  /** `--env K=V`, repeatable. */
  readonly env?: readonly string[];
  readonly restart?: string;
  readonly imagePullPolicy?: string;
}

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

function parseKeyValues(flag: string, text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new CliError(`${flag} ${JSON.stringify(text)}: expected key=value pairs separated by commas`);
    out[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return out;
}

export function buildRunPod(spec: RunSpec): Record<string, unknown> {
  if (!DNS_SUBDOMAIN.test(spec.name)) throw new CliError(`invalid pod name ${JSON.stringify(spec.name)}: must be a lowercase RFC 1123 subdomain`);
  if (spec.image === '') throw new CliError('--image is required');
  const restart = spec.restart ?? 'Always';
  if (!['Always', 'OnFailure', 'Never'].includes(restart)) throw new CliError(`--restart ${JSON.stringify(restart)}: expected Always, OnFailure or Never`);
  const labels = spec.labels === undefined ? { run: spec.name } : parseKeyValues('--labels', spec.labels);
  const annotations: Record<string, string> = {};
  for (const a of spec.annotations ?? []) Object.assign(annotations, parseKeyValues('--annotations', a));
  const container: Record<string, unknown> = { name: spec.name, image: spec.image };
  if (spec.args.length > 0) container[spec.command ? 'command' : 'args'] = [...spec.args];
  if (spec.env !== undefined && spec.env.length > 0) {
    container['env'] = spec.env.map((e) => {
      const eq = e.indexOf('=');
      if (eq <= 0) throw new CliError(`--env ${JSON.stringify(e)}: expected NAME=VALUE`);
      return { name: e.slice(0, eq), value: e.slice(eq + 1) };
    });
  }
  if (spec.imagePullPolicy !== undefined) container['imagePullPolicy'] = spec.imagePullPolicy;
  if (spec.port !== undefined) {
    if (!/^[0-9]+$/.test(spec.port) || Number(spec.port) < 1 || Number(spec.port) > 65535) {
      throw new CliError(`--port ${spec.port}: expected a port number from 1 to 65535`);
    }
    container['ports'] = [{ containerPort: Number(spec.port) }];
  }
  container['resources'] = {};
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: spec.name,
      namespace: spec.namespace,
      labels,
      ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
    },
    spec: { containers: [container], dnsPolicy: 'ClusterFirst', restartPolicy: restart },
    status: {},
  };
}
