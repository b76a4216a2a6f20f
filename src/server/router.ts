import { HttpError } from './http-error.ts';

/** What a route's handler gets: the path parameters (`:name` segments, decoded) and the query. */
export interface RouteMatch {
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
}

/** One route: a method, a path pattern such as `/api/v1/experiments/:name`, and what handles it. */
export interface Route<H> {
  readonly method: 'GET' | 'POST' | 'DELETE';
  readonly path: string;
  readonly handler: H;
}

/**
 * The route for `method` and `url`. No route with that path: HttpError 404; a route with that
 * path but another method: HttpError 405 with `Allow`; a malformed escape: HttpError 400.
 */
export function route<H>(routes: readonly Route<H>[], method: string, url: string): RouteMatch & { handler: H; pattern: string } {
  const { pathname, searchParams } = new URL(url, 'http://control.invalid');
  const segments = pathname.split('/').slice(1);
  const allowed: string[] = [];
  for (const r of routes) {
    const params = matchPath(r.path, segments);
    if (!params) continue;
    if (r.method === method) return { handler: r.handler, params, query: searchParams, pattern: r.path.replace(/:(\w+)/g, '{$1}') };
    allowed.push(r.method);
  }
  if (allowed.length === 0) throw new HttpError(404, `no route for ${method} ${pathname}`);
  const allow = [...new Set(allowed)].join(', ');
  throw new HttpError(405, `${method} is not allowed on ${pathname} (allowed: ${allow})`, { allow });
}

function matchPath(pattern: string, segments: readonly string[]): Record<string, string> | undefined {
  const parts = pattern.split('/').slice(1);
  if (parts.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, part] of parts.entries()) {
    const segment = segments[i]!;
    if (part.startsWith(':')) {
      if (segment === '') return undefined;
      params[part.slice(1)] = decode(segment);
    } else if (part !== segment) {
      return undefined;
    }
  }
  return params;
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError(400, `malformed path segment "${segment}"`);
  }
}
