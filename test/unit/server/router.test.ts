import { describe, expect, it } from 'vitest';
import { HttpError } from '../../../src/server/http-error.ts';
import { route, type Route } from '../../../src/server/router.ts';

const routes: Route<string>[] = [
  { method: 'GET', path: '/runs', handler: 'list' },
  { method: 'GET', path: '/runs/:namespace/:name', handler: 'get' },
  { method: 'POST', path: '/runs/:namespace/:name/stop', handler: 'stop' },
  { method: 'POST', path: '/stop', handler: 'stopAll' },
];

const fail = (method: string, url: string): HttpError => {
  try {
    route(routes, method, url);
  } catch (error) {
    return error as HttpError;
  }
  throw new Error(`${method} ${url} matched`);
};

describe('control API router', () => {
  it('matches method and path, decodes parameters, passes the query', () => {
    const m = route(routes, 'GET', '/runs/shop/kc-1?x=1');
    expect(m.handler).toBe('get');
    expect(m.params).toEqual({ namespace: 'shop', name: 'kc-1' });
    expect(route(routes, 'GET', '/runs?namespace=shop').query.get('namespace')).toBe('shop');
    expect(route(routes, 'POST', '/runs/a%2Db/kc-2/stop').params).toEqual({ namespace: 'a-b', name: 'kc-2' });
  });

  it.each([['/nope'], ['/runs/shop'], ['/runs/shop/kc-1/stop/now'], ['/runs//kc-1'], ['/runs/']])('%s is 404', (url) => {
    const e = fail('GET', url);
    expect(e.status).toBe(404);
    expect(e.message).toMatch(/^no route for GET /);
  });

  it('a known path with another method is 405 with Allow', () => {
    const e = fail('DELETE', '/runs/shop/kc-1');
    expect(e.status).toBe(405);
    expect(e.headers).toEqual({ allow: 'GET' });
    expect(fail('GET', '/stop').headers).toEqual({ allow: 'POST' });
  });

  it('a malformed escape is 400', () => {
    const e = fail('GET', '/runs/shop/%E0%A4%A');
    expect(e.status).toBe(400);
    expect(e.message).toContain('malformed path segment');
  });
});
