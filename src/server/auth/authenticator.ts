import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Access, AccessDecision, ApiAccess, Caller } from '../../cluster/api-access.ts';
import { HttpError } from '../http-error.ts';
import { isLoopback } from '../loopback.ts';
import { bearerToken, CHALLENGE } from './bearer.ts';
import { TtlCache } from './ttl-cache.ts';

/** The identity of a tokenless loopback caller when `anonymousLoopback` is on. */
export const LOOPBACK_CALLER: Caller = Object.freeze({ user: 'system:kubechaos:loopback', groups: Object.freeze(['system:kubechaos:loopback']) });

/** Options of {@link createAuthenticator}. */
export interface AuthenticatorOptions {
  readonly access: ApiAccess;
  /** Let requests without a token from a loopback peer act as {@link LOOPBACK_CALLER}, allowed everything. */
  readonly anonymousLoopback: boolean;
  /** How long TokenReview and SubjectAccessReview answers are reused. */
  readonly cacheTtlMs: number;
}

/** Authentication (TokenReview) and authorization (SubjectAccessReview) of API requests. */
export interface Authenticator {
  /** The caller of `req`: undefined when it sent no token (and is not let in as loopback); 401 for a token the API server rejects. */
  caller(req: IncomingMessage, signal: AbortSignal): Promise<Caller | undefined>;
  /** Like {@link caller}, but a missing token is a 401. */
  require(req: IncomingMessage, signal: AbortSignal): Promise<Caller>;
  /** Whether `caller` may do `access` (the API server's RBAC decides). */
  decide(caller: Caller, access: Access, signal: AbortSignal): Promise<AccessDecision>;
  /** Throws 403 naming the verb, resource and namespace when `caller` may not do every one of `accesses`. */
  authorize(caller: Caller, accesses: readonly Access[], signal: AbortSignal): Promise<void>;
}

/**
 * Checks callers the Kubernetes way: a bearer token is reviewed with TokenReview, and each action
 * with a SubjectAccessReview for that user and their groups, so the cluster's own RBAC decides
 * who may break what. Answers are cached for `cacheTtlMs` (a revoked right takes up to that long
 * to apply), keyed by a hash of the token, never the token itself.
 */
export function createAuthenticator(options: AuthenticatorOptions): Authenticator {
  const tokens = new TtlCache<Caller | null>(options.cacheTtlMs);
  const decisions = new TtlCache<AccessDecision>(options.cacheTtlMs);

  const caller = async (req: IncomingMessage, signal: AbortSignal): Promise<Caller | undefined> => {
    const token = bearerToken(req);
    if (token === undefined) {
      return options.anonymousLoopback && isLoopback(req.socket.remoteAddress ?? '') ? LOOPBACK_CALLER : undefined;
    }
    const key = createHash('sha256').update(token).digest('base64url');
    let found = tokens.get(key);
    if (found === undefined) {
      found = (await options.access.reviewToken(token, signal)) ?? null;
      tokens.set(key, found);
    }
    if (found === null) throw new HttpError(401, 'the bearer token was not accepted by the Kubernetes API server (TokenReview): it is unknown, expired, or for another audience', CHALLENGE);
    return found;
  };

  const decide = async (who: Caller, access: Access, signal: AbortSignal): Promise<AccessDecision> => {
    if (who === LOOPBACK_CALLER) return { allowed: true, reason: 'anonymous loopback access is enabled' };
    const key = JSON.stringify([who.user, who.uid, who.groups, access]);
    let decision = decisions.get(key);
    if (decision === undefined) {
      decision = await options.access.reviewAccess(who, access, signal);
      decisions.set(key, decision);
    }
    return decision;
  };

  return {
    caller,
    require: async (req, signal) => {
      const who = await caller(req, signal);
      if (!who) throw new HttpError(401, 'this route needs a bearer token: send "Authorization: Bearer <token>" with a Kubernetes token (e.g. `kubectl create token NAME`)', CHALLENGE);
      return who;
    },
    decide,
    authorize: async (who, accesses, signal) => {
      const answers = await Promise.all(accesses.map(async (a) => ({ access: a, decision: await decide(who, a, signal) })));
      const denied = answers.filter((a) => !a.decision.allowed);
      if (denied.length === 0) return;
      const what = denied.map(({ access }) => describeAccess(access)).join('; ');
      throw new HttpError(403, `${who.user} may not ${what} (Kubernetes RBAC, checked with a SubjectAccessReview); grant it with a Role and RoleBinding`);
    },
  };
}

/** "delete pods in namespace shop", "update leases.coordination.k8s.io in every namespace", "get /metrics". */
export function describeAccess(access: Access): string {
  if ('path' in access) return `${access.verb} ${access.path}`;
  const resource = access.group ? `${access.resource}.${access.group}` : access.resource;
  return `${access.verb} ${resource}${access.name ? ` ${access.name}` : ''} ${access.namespace ? `in namespace ${access.namespace}` : 'in every namespace'}`;
}
