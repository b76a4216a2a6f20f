import { ChaosError } from './chaos-error.ts';

/**
 * A LitmusChaos ChaosEngine document that kubechaos cannot run as written (`chaos.fromLitmus()`,
 * `kubechaos create -f`): bad YAML, an unknown field, a field kubechaos does not support, a wrong
 * value. Thrown before anything is created. `field` is the dotted path
 * (`spec.experiments[0].spec.components.env[2].name`); `line` and `column` (1-based) are set when
 * the document was YAML text.
 *
 * @example
 * ```ts
 * try { chaos.fromLitmus(readFileSync('engine.yaml', 'utf8'), { source: 'engine.yaml' }); }
 * catch (error) { if (error instanceof ChaosEngineFileError) console.error(error.line, error.field); }
 * ```
 */
export class ChaosEngineFileError extends ChaosError {
  /** Brand that survives duplicate package copies. */
  readonly isChaosEngineFileError = true;
  /** The dotted path of the field, when the problem is at one. */
  readonly field: string | undefined;
  /** 1-based line of the field in the YAML text (undefined for an object). */
  readonly line: number | undefined;
  /** 1-based column of the field in the YAML text (undefined for an object). */
  readonly column: number | undefined;
  /** The file name, `<stdin>`, or `ChaosEngine` for an object or unnamed text. */
  readonly source: string;

  constructor(source: string, field: string | undefined, problem: string, at?: { line: number; col: number }) {
    super('CHAOS_ENGINE_INVALID', `${source}${at ? `:${at.line}:${at.col}` : ''}: ${field ? `${field}: ` : ''}${problem}`);
    this.source = source;
    this.field = field;
    this.line = at?.line;
    this.column = at?.col;
  }
}
