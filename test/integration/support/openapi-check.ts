// Checks a JSON value against a schema of the OpenAPI document, for the subset of JSON Schema the
// document uses ($ref, type, enum, const, required, properties, items, additionalProperties).
// Returns the problems, each with the path of the value; none: it conforms.

type Schema = Record<string, unknown>;

export function conformance(doc: { components: { schemas: Record<string, Schema> } }, schema: Schema, value: unknown, path = '$'): string[] {
  if (typeof schema.$ref === 'string') return conformance(doc, doc.components.schemas[schema.$ref.split('/').pop()!]!, value, path);
  const problems: string[] = [];
  const typeOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
    const actual = typeOf(value);
    if (!types.includes(actual) && !(actual === 'number' && types.includes('integer'))) return [`${path}: expected ${types.join('|')}, got ${actual}`];
  }
  if (schema.enum && !(schema.enum as unknown[]).includes(value)) problems.push(`${path}: ${JSON.stringify(value)} not in ${JSON.stringify(schema.enum)}`);
  if ('const' in schema && schema.const !== value) problems.push(`${path}: expected ${JSON.stringify(schema.const)}`);
  if (typeOf(value) === 'object') {
    const obj = value as Record<string, unknown>;
    for (const key of (schema.required as string[] | undefined) ?? []) if (!(key in obj)) problems.push(`${path}.${key}: required`);
    const props = (schema.properties as Record<string, Schema> | undefined) ?? {};
    for (const [key, v] of Object.entries(obj)) {
      if (props[key]) problems.push(...conformance(doc, props[key], v, `${path}.${key}`));
      else if (schema.additionalProperties === false) problems.push(`${path}.${key}: not allowed`);
    }
  }
  if (Array.isArray(value) && schema.items) value.forEach((v, i) => problems.push(...conformance(doc, schema.items as Schema, v, `${path}[${i}]`)));
  return problems;
}
