// Applies YAML manifests (deploy/*.yaml) to the real control plane as `kubectl apply` would
// create them: every document, in order, through the generic object API.
import { readFileSync } from 'node:fs';
import { KubernetesObjectApi, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';

/** The documents of `files`, each passed through `patch` (a test bed's placement, e.g.). */
export function readManifests(files: readonly string[], patch: (o: KubernetesObject) => KubernetesObject = (o) => o): KubernetesObject[] {
  return files.flatMap((f) => parseAllDocuments(readFileSync(f, 'utf8')).map((d) => d.toJS() as KubernetesObject | null)).filter((o): o is KubernetesObject => o !== null).map(patch);
}

export async function applyManifests(kc: KubeConfig, objects: readonly KubernetesObject[]): Promise<void> {
  const api = KubernetesObjectApi.makeApiClient(kc);
  for (const o of objects) await api.create(o);
}
