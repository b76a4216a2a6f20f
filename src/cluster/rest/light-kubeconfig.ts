import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import type { RestTarget } from './transport.ts';
import { yaml } from '../../util/yaml-sync.ts';

interface Named<T> {
  readonly name: string;
  readonly value: T;
}
interface ClusterEntry {
  readonly name: string;
  readonly server: string;
  readonly caData?: string;
  readonly caFile?: string;
  readonly skipTLSVerify: boolean;
  readonly tlsServerName?: string;
  readonly proxyUrl?: string;
}
interface UserEntry {
  readonly name: string;
  readonly certData?: string;
  readonly certFile?: string;
  readonly keyData?: string;
  readonly keyFile?: string;
  readonly token?: string;
  readonly username?: string;
  readonly password?: string;
  /** Set when the user needs what only client-node does: exec plugins, auth providers, token files, impersonation. */
  readonly unsupported?: string;
}
interface ContextEntry {
  readonly name: string;
  readonly cluster: string;
  readonly user: string;
  readonly namespace?: string;
}

const TARGET = Symbol('kubechaos.restTarget');

/**
 * A kubeconfig read without `@kubernetes/client-node`, for the CLI: the one file KUBECONFIG names,
 * else `~/.kube/config`. It answers the KubeConfig methods kubechaos calls (contexts, clusters,
 * users, the current context) and carries what {@link restTargetOf} needs to connect over plain
 * HTTPS. It covers the common cases: a server with a CA (file or data) or
 * insecure-skip-tls-verify, and a client certificate, a bearer token or basic auth.
 *
 * Anything else is left to client-node (the caller falls back to it, see {@link isLight}):
 * `undefined` here when there is no single readable kubeconfig file (several files in KUBECONFIG,
 * in-cluster config, none at all) or it does not parse; and {@link lightSupport} names what the
 * current context needs that this does not do (an exec plugin, an auth provider, a token file,
 * impersonation, a proxy).
 *
 * @example
 * ```ts
 * const light = loadLightKubeConfig(flags.kubeconfig);
 * const kc = light && lightSupport(light) === undefined ? light : fullKubeConfig();
 * ```
 */
export function loadLightKubeConfig(file?: string): KubeConfig | undefined {
  const path = file ?? defaultFile();
  if (path === undefined) return undefined;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined; // client-node says why, in its own words
  }
  let doc: unknown;
  try {
    doc = text.trimStart().startsWith('{') ? JSON.parse(text) : yaml().parse(text);
  } catch {
    return undefined;
  }
  if (doc === null || typeof doc !== 'object') return undefined;
  return new LightKubeConfig(doc as Record<string, unknown>, dirname(path)) as unknown as KubeConfig;
}

/** Why the current context of a light kubeconfig needs client-node, or undefined when it does not. */
export function lightSupport(kc: KubeConfig): string | undefined {
  const light = kc as unknown as LightKubeConfig;
  const cluster = light.getCurrentCluster();
  const user = light.getCurrentUser();
  if (!cluster || !user) return 'no current cluster or user';
  if (user.unsupported) return user.unsupported;
  if (cluster.proxyUrl) return 'proxy-url';
  if (!/^https?:\/\//.test(cluster.server)) return `server ${cluster.server}`;
  return undefined;
}

/** True for a kubeconfig made by {@link loadLightKubeConfig} (or a view of one). */
export function isLight(kc: KubeConfig): boolean {
  return (kc as unknown as { [TARGET]?: unknown })[TARGET] !== undefined;
}

/** Where and as whom to connect for a light kubeconfig's current context; undefined for any other kubeconfig. */
export function restTargetOf(kc: KubeConfig): RestTarget | undefined {
  return (kc as unknown as { [TARGET]?: () => RestTarget | undefined })[TARGET]?.();
}

function defaultFile(): string | undefined {
  const env = process.env.KUBECONFIG;
  if (env !== undefined && env.length > 0) {
    const files = env.split(delimiter).filter((f) => f);
    return files.length === 1 ? files[0] : undefined; // several files are merged: client-node's job
  }
  const home = join(homedir(), '.kube', 'config');
  return existsSync(home) ? home : undefined;
}

class LightKubeConfig {
  private readonly clusters: ClusterEntry[];
  private readonly users: UserEntry[];
  private readonly contexts: ContextEntry[];
  private current: string;

  constructor(doc: Record<string, unknown>, root: string) {
    const file = (p: unknown): string | undefined => (typeof p === 'string' && p !== '' ? (isAbsolute(p) ? p : join(root, p)) : undefined);
    const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
    const list = <T>(key: string, inner: string): Array<Named<Record<string, unknown>>> =>
      (Array.isArray(doc[key]) ? (doc[key] as Array<Record<string, unknown>>) : [])
        .filter((e) => e && typeof e.name === 'string')
        .map((e) => ({ name: e.name as string, value: (e[inner] ?? {}) as Record<string, unknown> })) as unknown as Array<Named<Record<string, unknown>>> & T[];
    this.clusters = list('clusters', 'cluster').map(({ name, value: c }) => ({
      name,
      server: String(c.server ?? '').replace(/\/$/, ''),
      ...opt('caData', str(c['certificate-authority-data'])),
      ...opt('caFile', file(c['certificate-authority'])),
      skipTLSVerify: c['insecure-skip-tls-verify'] === true,
      ...opt('tlsServerName', str(c['tls-server-name'])),
      ...opt('proxyUrl', str(c['proxy-url'])),
    }));
    this.users = list('users', 'user').map(({ name, value: u }) => ({
      name,
      ...opt('certData', str(u['client-certificate-data'])),
      ...opt('certFile', file(u['client-certificate'])),
      ...opt('keyData', str(u['client-key-data'])),
      ...opt('keyFile', file(u['client-key'])),
      ...opt('token', str(u.token)),
      ...opt('username', str(u.username)),
      ...opt('password', str(u.password)),
      ...opt('unsupported', u.exec ? 'an exec credential plugin' : u['auth-provider'] ? 'an auth provider' : u.tokenFile ? 'a token file' : u.as || u['as-groups'] ? 'impersonation' : undefined),
    }));
    this.contexts = list('contexts', 'context').map(({ name, value: c }) => ({
      name,
      cluster: String(c.cluster ?? ''),
      user: String(c.user ?? ''),
      ...opt('namespace', str(c.namespace)),
    }));
    this.current = str(doc['current-context']) ?? '';
    // Through http1Only's prototype views too; a view never changes the context, so the instance answers.
    Object.defineProperty(this, TARGET, { value: () => this.target() });
  }

  getContexts(): ContextEntry[] {
    return this.contexts;
  }
  getClusters(): ClusterEntry[] {
    return this.clusters;
  }
  getUsers(): UserEntry[] {
    return this.users;
  }
  getCurrentContext(): string {
    return this.current;
  }
  setCurrentContext(name: string): void {
    this.current = name;
  }
  getContextObject(name: string): ContextEntry | null {
    return this.contexts.find((c) => c.name === name) ?? null;
  }
  getCluster(name: string): ClusterEntry | null {
    return this.clusters.find((c) => c.name === name) ?? null;
  }
  getUser(name: string): UserEntry | null {
    return this.users.find((u) => u.name === name) ?? null;
  }
  getCurrentCluster(): ClusterEntry | null {
    const context = this.getContextObject(this.current);
    return context ? this.getCluster(context.cluster) : null;
  }
  getCurrentUser(): UserEntry | null {
    const context = this.getContextObject(this.current);
    return context ? this.getUser(context.user) : null;
  }

  // Soft-private fields (not #private): http1Only's views are prototype children, and methods
  // called on a view run with the view as `this`.
  private target(): RestTarget | undefined {
    const cluster = this.getCurrentCluster();
    const user = this.getCurrentUser();
    if (!cluster || !user) return undefined;
    const read = (data: string | undefined, path: string | undefined): Buffer | undefined =>
      data !== undefined ? Buffer.from(data, 'base64') : path !== undefined ? readFileSync(path) : undefined;
    return {
      server: cluster.server,
      ca: read(cluster.caData, cluster.caFile),
      cert: read(user.certData, user.certFile),
      key: read(user.keyData, user.keyFile),
      token: user.token,
      username: user.username,
      password: user.password,
      insecureSkipTlsVerify: cluster.skipTLSVerify,
      tlsServerName: cluster.tlsServerName,
    };
  }
}

function opt<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
