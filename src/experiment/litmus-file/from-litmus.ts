import { ChaosEngineFileError } from '../../errors/chaos-engine-file-error.ts';
import type { ClientContext } from '../context.ts';
import { LitmusExperiment } from '../litmus-builder.ts';
import { normalizeTarget } from '../target.ts';
import { parseChaosEngine } from './parse-chaos-engine.ts';

/** Options of `chaos.fromLitmus()`. */
export interface FromLitmusOptions {
  /** Names the document in errors (a file name, `<stdin>`). @default 'ChaosEngine' */
  readonly source?: string;
}

/** `chaos.fromLitmus(chaosEngine)`: checks and maps the document, creates nothing. */
export function litmusFromChaosEngine(ctx: ClientContext, input: unknown, options: FromLitmusOptions = {}): LitmusExperiment {
  const source = options.source ?? 'ChaosEngine';
  if (typeof source !== 'string' || source === '') throw new TypeError('Expected `source` to be a non-empty string (a file name).');
  if (typeof input !== 'string' && (input === null || typeof input !== 'object' || Array.isArray(input))) {
    throw new TypeError('Expected `chaosEngine` to be YAML text or a ChaosEngine object.');
  }
  const spec = parseChaosEngine(input, source);
  const experiment = new LitmusExperiment(ctx, spec.experiment, Object.freeze({ ...spec.env }), normalizeTarget(spec.target), ctx.defaults, spec.overrides);
  try {
    return experiment.with(spec.options);
  } catch (error) {
    // The reader checks what the options check; anything left is still the document's fault.
    if (error instanceof TypeError) throw new ChaosEngineFileError(source, undefined, error.message);
    throw error;
  }
}
