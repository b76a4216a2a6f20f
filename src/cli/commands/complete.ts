import { CoreV1Api } from '@kubernetes/client-node';
import { listRuns } from '../../registry/control.ts';
import type { CliIO } from '../io.ts';
import { loadKube, scopeOf } from '../kube.ts';
import type { Flags } from './flags.ts';

/** What `__complete` lists. */
export type CompletionKind = 'namespaces' | 'runs';

/** A shell waits for completions: past this, it gets none rather than a frozen prompt. */
const BUDGET_MS = 2000;

/**
 * `kubechaos __complete namespaces|runs`: the dynamic words of shell completion, one per line —
 * the cluster's namespaces, or the names and ids of the live runs in scope. Silent on any error
 * (no kubeconfig, cluster away, forbidden): a completion never prints an error into a prompt.
 * Loaded on demand.
 */
export async function complete(kind: string, f: Flags, io: CliIO): Promise<void> {
  const signal = AbortSignal.timeout(BUDGET_MS);
  try {
    const words = await Promise.race([
      wordsOf(kind, f, signal),
      new Promise<string[]>((resolve) => signal.addEventListener('abort', () => resolve([]), { once: true })),
    ]);
    if (words.length > 0) io.stdout.write(`${words.join('\n')}\n`);
  } catch {
    // nothing to offer
  }
}

async function wordsOf(kind: string, f: Flags, signal: AbortSignal): Promise<string[]> {
  const kubeConfig = await loadKube(f, { light: false });
  if (kind === 'namespaces') {
    const list = await kubeConfig.makeApiClient(CoreV1Api).listNamespace();
    return list.items.map((ns) => ns.metadata?.name).filter((n): n is string => typeof n === 'string').sort();
  }
  if (kind === 'runs') {
    const namespace = scopeOf(kubeConfig, f);
    const runs = await listRuns({ kubeConfig, signal, ...(namespace === undefined ? {} : { namespace }) });
    const live = runs.filter((r) => r.state !== 'ended');
    return [...new Set([...live.flatMap((r) => (r.name ? [r.name] : [])), ...live.map((r) => r.id)])];
  }
  return [];
}
