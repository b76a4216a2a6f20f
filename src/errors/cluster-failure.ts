/**
 * What the API server refused, parsed from its 403 Status ("User "u" cannot list resource
 * "leases" in API group "coordination.k8s.io" in the namespace "shop"").
 * @example `{ user: 'system:serviceaccount:shop:ci', verb: 'list', resource: 'leases', group: 'coordination.k8s.io', namespace: 'shop' }`
 */
export interface Denied {
  readonly user: string;
  readonly verb: string;
  readonly resource: string;
  /** API group; `''` is the core group. */
  readonly group: string;
  /** undefined: at the cluster scope (e.g. a list across every namespace). */
  readonly namespace: string | undefined;
}

/** Codes of a TLS peer the kubeconfig's CA does not vouch for. */
const UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
]);
const EXPIRED = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);
const WRONG_HOST = new Set(['ERR_TLS_CERT_ALTNAME_INVALID']);

/** True when `error` (or a cause) is a certificate problem: retrying cannot help. */
export function isCertificateError(error: unknown): boolean {
  const code = codeIn(error);
  return code !== undefined && (UNTRUSTED.has(code) || EXPIRED.has(code) || WRONG_HOST.has(code));
}

/**
 * Says why a Kubernetes call failed and how to fix it, for the problems a new user meets: a CA
 * that does not match the cluster, nothing listening, rejected credentials, a missing permission
 * (verb, resource and namespace, with the kubectl commands that grant it). Otherwise the API
 * server's own Status message, else the error's.
 */
export function describeFailure(cause: unknown, status: number | undefined): { detail: string; denied: Denied | undefined } {
  if (status !== undefined) {
    const message = statusMessage(cause);
    if (status === 403) {
      const denied = message === undefined ? undefined : parseDenied(message);
      if (denied) return { detail: forbidden(denied), denied };
    }
    if (status === 401) {
      return {
        detail: 'HTTP 401: the API server rejected the credentials: the kubeconfig user\'s token or client certificate is wrong or has expired; get fresh credentials (e.g. run your cloud CLI\'s get-credentials again)',
        denied: undefined,
      };
    }
    return { detail: `HTTP ${status}${message ? `: ${message}` : ''}`, denied: undefined };
  }
  const code = codeIn(cause);
  const inner = innermost(cause);
  const what = inner instanceof Error ? inner.message : String(inner);
  if (code !== undefined && UNTRUSTED.has(code)) {
    return {
      detail:
        `the API server's TLS certificate is not trusted (${code}: ${what}). The kubeconfig's certificate-authority(-data) for this cluster must be ` +
        `the CA that signed the API server's certificate: take it from the cluster's own kubeconfig (kubectl config view --raw --minify), and check that KUBECONFIG names the right file`,
      denied: undefined,
    };
  }
  if (code !== undefined && EXPIRED.has(code)) {
    return { detail: `the API server's TLS certificate is not valid now (${code}: ${what}); check this machine's clock, or renew the cluster's certificates`, denied: undefined };
  }
  if (code !== undefined && WRONG_HOST.has(code)) {
    return { detail: `the API server's TLS certificate does not name the kubeconfig's server address (${what}); use an address it names, or set tls-server-name in the kubeconfig's cluster`, denied: undefined };
  }
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EHOSTUNREACH' || code === 'ETIMEDOUT') {
    return { detail: `cannot reach the API server (${code}: ${what}); is the cluster running, and is the kubeconfig's server address right (kubectl config view --minify)?`, denied: undefined };
  }
  return { detail: cause instanceof Error ? (inner !== cause && inner instanceof Error ? `${cause.message}: ${inner.message}` : cause.message) : String(cause), denied: undefined };
}

function forbidden(d: Denied): string {
  const resource = d.group ? `${d.resource}.${d.group}` : d.resource;
  const scope = d.namespace === undefined ? 'at the cluster scope (every namespace)' : `in namespace "${d.namespace}"`;
  const sa = /^system:serviceaccount:([^:]+):(.+)$/.exec(d.user);
  const subject = sa ? `--serviceaccount=${sa[1]}:${sa[2]}` : `--user=${d.user}`;
  const grant =
    d.namespace === undefined
      ? `kubectl create clusterrole kubechaos-${d.verb}-${d.resource} --verb=${d.verb} --resource=${resource} && kubectl create clusterrolebinding kubechaos-${d.verb}-${d.resource} --clusterrole=kubechaos-${d.verb}-${d.resource} ${subject}`
      : `kubectl create role kubechaos-${d.verb}-${d.resource} -n ${d.namespace} --verb=${d.verb} --resource=${resource} && kubectl create rolebinding kubechaos-${d.verb}-${d.resource} -n ${d.namespace} --role=kubechaos-${d.verb}-${d.resource} ${subject}`;
  return `HTTP 403: forbidden: missing permission: ${d.verb} ${resource} ${scope} for user "${d.user}". Grant it (${grant}), or use a context that has it`;
}

/** Parses the API server's forbidden message (k8s.io/apiserver's forbiddenMessage). */
export function parseDenied(message: string): Denied | undefined {
  const m = /User "([^"]*)" cannot (\S+) resource "([^"]+)"(?: in API group "([^"]*)")?(?: in the namespace "([^"]+)"| at the cluster scope)?/.exec(message);
  if (!m) return undefined;
  return { user: m[1]!, verb: m[2]!, resource: m[3]!, group: m[4] ?? '', namespace: m[5] };
}

/** The `message` of the Kubernetes Status an ApiException carries as its body (a JSON string). */
function statusMessage(error: unknown): string | undefined {
  let body = (error as { body?: unknown } | null)?.body;
  if (typeof body === 'string') {
    const text = body;
    try {
      body = JSON.parse(text);
    } catch {
      return text.trim() || undefined;
    }
  }
  const message = (body as { message?: unknown } | null)?.message;
  return typeof message === 'string' && message ? message : undefined;
}

function codeIn(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

function innermost(error: unknown): unknown {
  let e = error;
  for (let depth = 0; depth < 5 && (e as { cause?: unknown } | null)?.cause; depth++) e = (e as { cause: unknown }).cause;
  return e;
}
