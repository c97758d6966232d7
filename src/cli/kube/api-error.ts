// Errors of the verbs that talk to the API server, printed as kubectl prints them
// (k8s.io/kubectl/pkg/cmd/util/helpers.go checkErr + StandardErrorMessage): Invalid as
// `The KIND "NAME" is invalid: FIELD: message`, other Status errors as
// `Error from server (REASON): message`, everything else as `error: message`.

/** metav1.Status as it arrives from a server (any field may be missing). */
export interface WireStatus {
  readonly kind?: string;
  readonly status?: string;
  readonly message?: string;
  readonly reason?: string;
  readonly code?: number;
  readonly details?: {
    readonly name?: string;
    readonly group?: string;
    readonly kind?: string;
    readonly causes?: ReadonlyArray<{ readonly reason?: string; readonly message?: string; readonly field?: string }>;
  };
}

/** The server answered with an error Status. */
export class ApiError extends Error {
  readonly status: WireStatus;
  readonly httpStatus: number;

  constructor(httpStatus: number, status: WireStatus) {
    super(status.message ?? `the server answered HTTP ${httpStatus}`);
    this.name = 'ApiError';
    this.httpStatus = httpStatus;
    this.status = status;
  }

  get reason(): string {
    return this.status.reason ?? '';
  }

  /** The same error with its message prefixed by where the object came from, as kubectl apply does. */
  withSource(verb: string, source: string): ApiError {
    return new ApiError(this.httpStatus, { ...this.status, message: `error when ${verb} ${JSON.stringify(source)}: ${this.status.message ?? ''}` });
  }
}

/** No kubeconfig, or nothing listening where it points. */
export class NotRunningError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotRunningError';
  }
}

/** kubectl's text for an API error: one or more lines, each ending in `\n`. */
export function formatApiError(e: ApiError): string {
  const s = e.status;
  if (s.reason === 'Invalid') {
    const d = s.details;
    if (d === undefined) return `The request is invalid${s.message === undefined || s.message === '' ? '' : `: ${s.message}`}\n`;
    const head = (d.kind ?? '') !== '' || (d.name ?? '') !== '' ? `The ${d.kind ?? ''} ${JSON.stringify(d.name ?? '')} is invalid` : 'The request is invalid';
    const causes = (d.causes ?? []).map((c) => ((c.field ?? '') === '' ? (c.message ?? '') : `${c.field}: ${c.message ?? ''}`));
    if (causes.length === 0) return `${head}\n`;
    if (causes.length === 1) return `${head}: ${causes[0]}\n`;
    return `${head}: \n${causes.map((c) => `* ${c}\n`).join('')}`;
  }
  if (s.reason === 'Unauthorized') return `error: You must be logged in to the server (${s.message ?? 'Unauthorized'})\n`;
  if ((s.reason ?? '') !== '') return `Error from server (${s.reason}): ${e.message}\n`;
  return `Error from server: ${e.message}\n`;
}
