import { isChaosEngineFileError } from '../../errors/guards.ts';
import { loadBundledYaml } from '../../util/yaml-sync.ts';
import { CliError, EXIT, usage } from '../exit-codes.ts';
import { ExperimentFileError, parseExperimentFile } from '../experiment-file.ts';
import type { ExperimentSpec } from '../experiment-spec.ts';
import type { CliIO } from '../io.ts';
import { runExperiment, runSource, type RunFlags } from '../run-experiment.ts';

/** Options of `kubechaos create` besides the global ones. */
export interface CreateFlags {
  readonly filename: string;
  readonly dryRun?: boolean;
  /** `--safety-threshold`: over the file's own (`spec.safety.threshold`; a ChaosEngine has none). */
  readonly safetyThreshold?: number;
}

// A Litmus document names its API group first; anything else is read as a kubechaos file (whose
// parser then names the apiVersions it accepts).
const LITMUS_API = /^apiVersion:[ \t]*["']?litmuschaos\.io\//m;

/**
 * `kubechaos create -f FILE`: runs the experiment a file describes, a kubechaos experiment file
 * (`kubechaos.dev/v1alpha1`) or a LitmusChaos ChaosEngine (`litmuschaos.io/v1alpha1`); resolves
 * with the exit code. Loaded on demand.
 */
export async function create(opts: CreateFlags, flags: RunFlags, io: CliIO): Promise<number> {
  let text: string;
  try {
    text = await io.readFile(opts.filename);
  } catch (error) {
    throw usage(`cannot read ${opts.filename}: ${(error as Error).message}`);
  }
  const source = opts.filename === '-' ? '<stdin>' : opts.filename;
  if (LITMUS_API.test(text)) return createFromChaosEngine(text, source, opts, flags, io);
  await loadBundledYaml();
  const file = parseKubechaosFile(text, source);
  if (flags.namespace && file.namespace && flags.namespace !== file.namespace) {
    throw usage(`the file's metadata.namespace (${file.namespace}) does not match -n ${flags.namespace}`);
  }
  let spec: ExperimentSpec = opts.dryRun ? { ...file.spec, options: { ...file.spec.options, dryRun: true } } : file.spec;
  if (opts.safetyThreshold !== undefined) spec = { ...spec, options: { ...spec.options, safety: opts.safetyThreshold } };
  return runExperiment(spec, flags, io, (e) => file.locate(e));
}

/** The kubechaos parser, whose apiVersion error also names the ChaosEngine's. */
function parseKubechaosFile(text: string, source: string): ReturnType<typeof parseExperimentFile> {
  try {
    return parseExperimentFile(text, source);
  } catch (error) {
    if (!(error instanceof ExperimentFileError) || error.field !== 'apiVersion') throw error;
    const got = /, got (.*)$/.exec(error.message)?.[1] ?? 'something else';
    throw new ExperimentFileError(source, { line: error.line, col: error.column }, 'apiVersion', `expected "kubechaos.dev/v1alpha1" (a kubechaos experiment file) or "litmuschaos.io/v1alpha1" (a LitmusChaos ChaosEngine), got ${got}`);
  }
}

/** A ChaosEngine file: the same run as `chaos.fromLitmus(text)`, with the run flags on top. */
function createFromChaosEngine(text: string, source: string, opts: CreateFlags, flags: RunFlags, io: CliIO): Promise<number> {
  return runSource({
    namespace: undefined, // the file's own namespace, if it names one, is its target's
    build: (chaos) => {
      let experiment;
      try {
        experiment = chaos.fromLitmus(text, { source });
      } catch (error) {
        if (isChaosEngineFileError(error)) throw new CliError(`${error.message}\nNothing was created.`, EXIT.usage);
        throw error;
      }
      const own = experiment.target.namespace;
      if (flags.namespace && own && flags.namespace !== own) throw usage(`the ChaosEngine's namespace (${own}) does not match -n ${flags.namespace}`);
      if (opts.safetyThreshold !== undefined) experiment = experiment.withSafety(opts.safetyThreshold);
      return opts.dryRun ? experiment.dryRun() : experiment;
    },
  }, flags, io);
}
