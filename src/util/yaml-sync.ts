import type * as Yaml from 'yaml';
import { requireSync } from './require-sync.ts';

/*
 * `yaml`, loaded on first use. Profile (issue 14, the SDK's module weight): importing it costs
 * ~13 MiB of RSS (Node 24.21, right after the import), and every process that loaded kubechaos
 * paid it, for experiment files and ChaosEngine YAML that most never read.
 */
let loaded: typeof Yaml | undefined;

/** The `yaml` module. */
export const yaml = (): typeof Yaml => (loaded ??= requireSync<typeof Yaml>('yaml'));

/**
 * Hands over a copy of `yaml` already loaded, so that {@link yaml} requires none: the CLI's
 * bundle carries its own (measured: the CLI's peak RSS 68.8 MiB with the bundled copy, 76.1 MiB
 * with node_modules' required instead).
 *
 * @example
 * ```ts
 * await loadBundledYaml(); // in the CLI, before reading a kubeconfig or an experiment file
 * ```
 */
export async function loadBundledYaml(): Promise<void> {
  if (loaded !== undefined) return;
  // Bundled, the CommonJS package sits behind `default`.
  const m = (await import('yaml')) as unknown as typeof Yaml & { default?: typeof Yaml };
  loaded ??= m.default ?? m;
}

/** `yaml`'s `isMap`, `isScalar` and `isSeq`, without loading it for a value that is no YAML node. */
export const isMap = (node: unknown): node is Yaml.YAMLMap => loaded !== undefined && loaded.isMap(node);
export const isScalar = (node: unknown): node is Yaml.Scalar => loaded !== undefined && loaded.isScalar(node);
export const isSeq = (node: unknown): node is Yaml.YAMLSeq => loaded !== undefined && loaded.isSeq(node);
