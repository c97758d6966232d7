// Parsing of flag values shared by commands (--from/--to, --port, --protocol, -n, Cilium's
// policy-cidr-match-mode): each parser returns a typed value or throws a CliError naming
// the flag and the value.
import type { PolicyCidrMatchMode } from '../api/cilium/agent-flags.ts';
import { readPolicyCidrMatchMode } from '../api/cilium/agent-flags.ts';
import { canonicalIp } from '../model/ip.ts';
import { PROTOCOLS, isProtocol } from '../model/protocol.ts';
import type { Protocol } from '../model/protocol.ts';
import type { FlowEndpoint } from '../engine/flow.ts';
import { CliError } from './cli-error.ts';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
// Kubernetes IANA_SVC_NAME: what a container port name (and so a named policy port) may be.
const PORT_NAME = /^(?=.*[a-z])[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){0,14}$/;

/** `NS/POD` or an IPv4/IPv6 address (canonicalised). */
export function parseEndpoint(flag: string, text: string): FlowEndpoint {
  const slash = text.indexOf('/');
  if (slash >= 0 && !text.includes(':') && !/^[0-9.]+\/[0-9]+$/.test(text)) {
    const ns = text.slice(0, slash);
    const name = text.slice(slash + 1);
    if (!DNS_LABEL.test(ns) || !DNS_SUBDOMAIN.test(name)) {
      throw new CliError(`${flag} ${JSON.stringify(text)}: expected NAMESPACE/POD with lowercase DNS names, or an IP address`);
    }
    return { kind: 'pod', pod: `${ns}/${name}` };
  }
  if (slash >= 0) throw new CliError(`${flag} ${JSON.stringify(text)}: expected a single IP address, not a CIDR`);
  const ip = canonicalIp(text);
  if (ip === undefined) throw new CliError(`${flag} ${JSON.stringify(text)}: expected NAMESPACE/POD or an IP address`);
  return { kind: 'ip', ip };
}

/** A port number (1-65535) or a container port name. */
export function parsePort(flag: string, text: string): number | string {
  if (/^[0-9]+$/.test(text)) {
    const n = Number(text);
    if (n < 1 || n > 65535) throw new CliError(`${flag} ${text}: port numbers go from 1 to 65535`);
    return n;
  }
  if (!PORT_NAME.test(text)) {
    throw new CliError(`${flag} ${JSON.stringify(text)}: expected a port number or a port name (lowercase letters, digits and '-', at most 15 characters)`);
  }
  return text;
}

/** Comma-separated ports, duplicates removed, in the order given. */
export function parsePortList(flag: string, text: string): Array<number | string> {
  const parts = text.split(',').map((p) => p.trim());
  if (parts.some((p) => p === '')) throw new CliError(`${flag} ${JSON.stringify(text)}: empty port in the list`);
  const ports: Array<number | string> = [];
  for (const part of parts) {
    const port = parsePort(flag, part);
    if (!ports.includes(port)) ports.push(port);
  }
  return ports;
}

/** TCP, UDP or SCTP, in any case. */
export function parseProtocol(flag: string, text: string): Protocol {
  const upper = text.toUpperCase();
  if (!isProtocol(upper)) throw new CliError(`${flag} ${JSON.stringify(text)}: expected one of ${PROTOCOLS.join(', ')}`);
  return upper;
}

/** Comma-separated namespace names. */
export function parseNamespaces(flag: string, text: string): string[] {
  const names = text.split(',').map((n) => n.trim());
  for (const name of names) {
    if (!DNS_LABEL.test(name)) throw new CliError(`${flag} ${JSON.stringify(name)}: not a namespace name`);
  }
  return [...new Set(names)];
}

/** Cilium's policy-cidr-match-mode: comma (or space) lists, repeatable; none: Cilium's default. */
export function parseCiliumCidrMatchMode(flag: string, values: readonly string[]): PolicyCidrMatchMode[] {
  const r = readPolicyCidrMatchMode(values);
  if (!r.ok) throw new CliError(`${flag}: ${r.message}`);
  return [...r.modes];
}
