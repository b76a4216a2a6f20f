import { usage } from '../exit-codes.ts';
import { parseExperimentFile } from '../experiment-file.ts';
import type { ExperimentSpec } from '../experiment-spec.ts';
import type { CliIO } from '../io.ts';
import { runExperiment, type RunFlags } from '../run-experiment.ts';

/** Options of `kubechaos create` besides the global ones. */
export interface CreateFlags {
  readonly filename: string;
  readonly dryRun?: boolean;
}

/** `kubechaos create -f FILE`: runs the experiment a file describes; resolves with the exit code. Loaded on demand. */
export async function create(opts: CreateFlags, flags: RunFlags, io: CliIO): Promise<number> {
  let text: string;
  try {
    text = await io.readFile(opts.filename);
  } catch (error) {
    throw usage(`cannot read ${opts.filename}: ${(error as Error).message}`);
  }
  const file = parseExperimentFile(text, opts.filename === '-' ? '<stdin>' : opts.filename);
  if (flags.namespace && file.namespace && flags.namespace !== file.namespace) {
    throw usage(`the file's metadata.namespace (${file.namespace}) does not match -n ${flags.namespace}`);
  }
  const spec: ExperimentSpec = opts.dryRun ? { ...file.spec, options: { ...file.spec.options, dryRun: true } } : file.spec;
  return runExperiment(spec, flags, io, (e) => file.locate(e));
}
