/**
 * An experiment file that cannot be used, with where: `line`/`column` (1-based) and the dotted
 * path of the `field` (e.g. `spec.safety.threshold`).
 */
export class ExperimentFileError extends Error {
  readonly line: number;
  readonly column: number;
  readonly field: string | undefined;

  constructor(file: string, at: { line: number; col: number }, field: string | undefined, message: string) {
    super(`${file}:${at.line}:${at.col}: ${field ? `${field}: ` : ''}${message}`);
    this.name = 'ExperimentFileError';
    this.line = at.line;
    this.column = at.col;
    this.field = field;
  }
}
