import type { KubeFlags } from '../kube.ts';
import type { OutputFormat } from '../output.ts';

/** The global flags every command reads: connection, namespace scope and `-o`. */
export type Flags = KubeFlags & { readonly output: OutputFormat };
