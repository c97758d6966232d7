// A patch that cannot be applied to the object: the API server answers 422 Invalid for
// failing json-patch operations and 400 BadRequest for malformed patch documents.
export class PatchError extends Error {
  readonly kind: 'malformed' | 'unapplicable';

  constructor(kind: 'malformed' | 'unapplicable', message: string) {
    super(message);
    this.name = 'PatchError';
    this.kind = kind;
  }
}
