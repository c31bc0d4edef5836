import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { bearerToken, tokenMatches } from './token';

/**
 * Headers on every response. The page loads only its own scripts and styles (no inline code,
 * no eval), talks only to its own origin, and may not be framed (clickjacking).
 */
export const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; " +
    "font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), interest-cohort=()',
};

export interface SecurityOptions {
  token: string;
  /** Host header values answered to; read per request (the port is known only after listen). */
  allowedHosts: () => Set<string>;
  /** Whether the server speaks TLS (origins are https then). */
  tls: boolean;
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function sendError(reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  return reply.code(status).type('application/json; charset=utf-8').send({ error: { code, message } });
}

/**
 * Every request: Host must be one of ours (DNS rebinding); the API needs the bearer token; a
 * mutating request must come from our own origin (Origin, Sec-Fetch-Site) with a JSON body, so
 * no page elsewhere can drive the run with a "simple" cross-site request. No CORS header is ever
 * sent and no cookie is ever read.
 */
export function installSecurity(app: FastifyInstance, o: SecurityOptions): void {
  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    const hosts = o.allowedHosts();
    const host = (req.headers.host ?? '').toLowerCase();
    if (!hosts.has(host)) {
      return sendError(reply, 421, 'DASHBOARD_FOREIGN_HOST', `this dashboard answers only to ${[...hosts].join(', ')}`);
    }
    // The API and the Prometheus endpoint (a scraper sends the token as `authorization: Bearer`).
    // Decided by the route matched too, so no other spelling of the URL reaches it without the token.
    const needsToken = req.url.startsWith('/api/') || req.url === '/metrics' || req.url.startsWith('/metrics?') || req.routeOptions?.url === '/metrics';
    if (needsToken) {
      const presented = bearerToken(req.headers.authorization);
      if (presented === undefined || !tokenMatches(presented, o.token)) {
        reply.header('www-authenticate', 'Bearer');
        return sendError(reply, 401, 'DASHBOARD_UNAUTHORIZED', 'a valid token is required (open the URL the dashboard printed)');
      }
    }
    if (MUTATING.has(req.method)) {
      const origin = req.headers.origin;
      const scheme = o.tls ? 'https' : 'http';
      if (origin !== undefined && !hosts.has(origin.toLowerCase().replace(`${scheme}://`, '')) ) {
        return sendError(reply, 403, 'DASHBOARD_FOREIGN_ORIGIN', `requests from ${origin} are refused`);
      }
      const site = req.headers['sec-fetch-site'];
      if (site !== undefined && site !== 'same-origin' && site !== 'none') {
        return sendError(reply, 403, 'DASHBOARD_CROSS_SITE', `cross-site requests are refused (Sec-Fetch-Site: ${String(site)})`);
      }
      const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
      if (type !== 'application/json') {
        return sendError(reply, 415, 'DASHBOARD_JSON_ONLY', 'commands take a JSON body (Content-Type: application/json)');
      }
    }
    return undefined;
  });
  app.addHook('onSend', async (req, reply, payload) => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) reply.header(k, v);
    if (o.tls) reply.header('strict-transport-security', 'max-age=31536000');
    if (req.url.startsWith('/api/')) reply.header('cache-control', 'no-store');
    return payload;
  });
}
