// Labels as the model sees them: an immutable string map, already validated at the edge.
export type Labels = Readonly<Record<string, string>>;
