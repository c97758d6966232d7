// Transport protocols a policy can name. Kubernetes allows TCP, UDP and SCTP.
export type Protocol = 'TCP' | 'UDP' | 'SCTP';

export const PROTOCOLS: readonly Protocol[] = ['TCP', 'UDP', 'SCTP'];

export function isProtocol(value: string): value is Protocol {
  return value === 'TCP' || value === 'UDP' || value === 'SCTP';
}
