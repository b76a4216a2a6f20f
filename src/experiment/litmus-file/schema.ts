// A small checker of plain data against the ChaosEngine fields kubechaos knows: every problem is
// a FieldProblem at a path, which the YAML reader turns into file:line and the object reader into
// a dotted field name.
import { describe } from '../../util/duration.ts';

/** A path into the document: keys and list indexes. */
export type Path = ReadonlyArray<string | number>;

/** What is wrong, and where; `atKey` points at the key itself (an unknown or refused field). */
export class FieldProblem extends Error {
  readonly path: Path;
  readonly atKey: boolean;

  constructor(path: Path, message: string, atKey = false) {
    super(message);
    this.path = path;
    this.atKey = atKey;
  }
}

/** `spec.experiments[0].name` */
export function formatPath(path: Path): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

export type Schema =
  | { readonly t: 'string'; readonly empty?: boolean; readonly pattern?: RegExp; readonly expected?: string }
  | { readonly t: 'integer'; readonly min: number }
  | { readonly t: 'boolean' }
  | { readonly t: 'enum'; readonly values: ReadonlyArray<string | boolean>; readonly hint?: string }
  | { readonly t: 'object'; readonly fields: Readonly<Record<string, Schema>>; readonly required?: readonly string[]; readonly open?: boolean }
  | { readonly t: 'list'; readonly item: Schema }
  | { readonly t: 'labels' }
  | { readonly t: 'any' }
  /** A Litmus field kubechaos does not support: refused with `why` (what to do instead). */
  | { readonly t: 'refuse'; readonly why: string };

export const str: Schema = { t: 'string' };
export const refuse = (why: string): Schema => ({ t: 'refuse', why });

const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Checks `value` against `schema`; throws the first FieldProblem. */
export function check(value: unknown, schema: Schema, path: Path): void {
  const fail = (message: string): never => {
    throw new FieldProblem(path, message);
  };
  switch (schema.t) {
    case 'any':
      return;
    case 'refuse':
      throw new FieldProblem(path, schema.why, true);
    case 'string':
      if (typeof value === 'number' || typeof value === 'boolean') fail(`expected a string, got ${describe(value)}: quote it ("${String(value)}"), as the ChaosEngine CRD declares a string`);
      if (typeof value !== 'string') fail(`expected a string, got ${shown(value)}`);
      if (!schema.empty && value === '') fail('expected a non-empty string');
      if (schema.pattern && !schema.pattern.test(value as string)) fail(`expected ${schema.expected ?? `a value matching ${schema.pattern}`}, got ${describe(value)}`);
      return;
    case 'integer':
      if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < schema.min) fail(`expected an integer >= ${schema.min}, got ${shown(value)}`);
      return;
    case 'boolean':
      if (typeof value !== 'boolean') fail(`expected true or false, got ${shown(value)}`);
      return;
    case 'enum':
      if (!schema.values.includes(value as string | boolean)) {
        fail(`${schema.hint ?? `expected ${schema.values.map((v) => JSON.stringify(v)).join(' or ')}`}, got ${shown(value)}`);
      }
      return;
    case 'labels':
      if (!isMap(value)) fail(`expected a map of labels, got ${shown(value)}`);
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) check(v, { t: 'string', empty: true }, [...path, k]);
      return;
    case 'list':
      if (!Array.isArray(value)) fail(`expected a list, got ${shown(value)}`);
      (value as unknown[]).forEach((item, i) => check(item, schema.item, [...path, i]));
      return;
    case 'object': {
      if (!isMap(value)) fail(`expected a mapping, got ${shown(value)}`);
      const map = value as Record<string, unknown>;
      for (const [key, v] of Object.entries(map)) {
        const field = schema.fields[key];
        if (field === undefined) {
          if (schema.open) continue;
          const where = path.length > 0 ? ` in ${formatPath(path)}` : '';
          throw new FieldProblem([...path, key], `unknown field "${key}"${where} (known fields: ${Object.keys(schema.fields).join(', ')})`, true);
        }
        if (v === null || v === undefined) {
          if (field.t === 'refuse') check(v, field, [...path, key]);
          continue; // `key:` with no value: absent, as Kubernetes reads it
        }
        check(v, field, [...path, key]);
      }
      for (const key of schema.required ?? []) {
        // At the mapping's key: the line that names what lacks the field.
        if (map[key] === undefined || map[key] === null) throw new FieldProblem(path, `missing required field "${key}"`, true);
      }
      return;
    }
  }
}

function shown(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (isMap(value)) return 'a mapping';
  return describe(value);
}
