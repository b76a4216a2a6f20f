// Every pod deletion in a namespace, as seen by a watch that survives API server restarts: the
// evidence for "no pod was deleted after the stop". When the watch breaks, it lists again and
// counts a known pod missing from the list as deleted at that moment.
import { CoreV1Api, KubeConfig, Watch, type V1Pod } from '@kubernetes/client-node';
import { setTimeout as sleep } from 'node:timers/promises';
import { http1Only } from '../../../src/cluster/http1.ts';

export interface PodDeletion {
  readonly uid: string;
  readonly name: string;
  /** When the test saw it (ms since epoch): the watch event, or the re-list that found it gone. */
  readonly seenAt: number;
}

export class PodDeletions {
  readonly deletions: PodDeletion[] = [];
  readonly #known = new Map<string, string>();
  readonly #stop = new AbortController();
  #ready!: () => void;
  /** Resolves once the first list is done and the watch is open. */
  readonly ready = new Promise<void>((resolve) => (this.#ready = resolve));

  /** Starts watching pods matching `labelSelector` in `namespace` (through its own connection). */
  static start(kubeconfig: string, namespace: string, labelSelector: string): PodDeletions {
    const recorder = new PodDeletions();
    void recorder.#run(kubeconfig, namespace, labelSelector);
    return recorder;
  }

  /** Deletions seen after `t` (ms since epoch). */
  after(t: number): PodDeletion[] {
    return this.deletions.filter((d) => d.seenAt > t);
  }

  stop(): void {
    this.#stop.abort();
  }

  #gone(uid: string): void {
    const name = this.#known.get(uid);
    if (name === undefined) return;
    this.#known.delete(uid);
    this.deletions.push({ uid, name, seenAt: Date.now() });
  }

  async #run(kubeconfig: string, namespace: string, labelSelector: string): Promise<void> {
    const loaded = new KubeConfig();
    loaded.loadFromFile(kubeconfig);
    const kc = http1Only(loaded); // see faulty-controlplane.ts: HTTP/2 to a killed API server can hang
    const core = kc.makeApiClient(CoreV1Api);
    const path = `/api/v1/namespaces/${namespace}/pods`;
    while (!this.#stop.signal.aborted) {
      try {
        const list = await core.listNamespacedPod({ namespace, labelSelector });
        const present = new Set(list.items.map((p) => p.metadata!.uid!));
        for (const uid of [...this.#known.keys()]) if (!present.has(uid)) this.#gone(uid);
        for (const p of list.items) this.#known.set(p.metadata!.uid!, p.metadata!.name!);
        const ended = new Promise<void>((resolve) => {
          void new Watch(kc)
            .watch(
              path,
              { labelSelector, resourceVersion: list.metadata?.resourceVersion, allowWatchBookmarks: true },
              (phase: string, pod: V1Pod) => {
                const uid = pod.metadata?.uid;
                if (!uid) return;
                if (phase === 'DELETED') this.#gone(uid);
                else if (phase === 'ADDED' || phase === 'MODIFIED') this.#known.set(uid, pod.metadata!.name!);
              },
              () => resolve(),
            )
            .then((controller) => {
              this.#ready();
              this.#stop.signal.addEventListener('abort', () => controller.abort(), { once: true });
            }, () => resolve());
        });
        await ended;
      } catch {
        // the API server is away: try again shortly
      }
      await sleep(200);
    }
  }
}
