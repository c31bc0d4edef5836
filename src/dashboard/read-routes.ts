import * as fs from 'node:fs';
import * as path from 'node:path';
import { fsPath } from '../fs/byte-names';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { CHUNK_SORTS, type ChunkSort, type ChunkStatus } from '../state';
import { renderMetricsText } from '../health';
import type { OrchestrationStatus } from '../orchestrator/types';
import { readLogTail } from './chunk-log';
import type { DashboardData } from './dashboard-data';
import { errorGroups, errorsCsv } from './error-groups';
import { chunkView, envelopes, historyView, sessionOrigin } from './run-views';
import { sendError } from './security';
import type { StreamHub } from './stream-hub';
import { SECURITY_HEADERS } from './security';

export const SESSION_PATTERN = '^[A-Za-z0-9_.-]{1,64}$';
export const CHUNK_PATTERN = '^[A-Za-z0-9_-]{1,64}$';
/** Items per error group on the page (the counts are exact; the CSV lists every one). */
const ERRORS_PER_GROUP = 50;
/** Events read for /metrics: every event of all but the largest runs (counters are sums of them). */
const MAX_METRICS_EVENTS = 1_000_000;
const STATUSES: ChunkStatus[] = ['Pending', 'Running', 'Complete', 'CompleteWithWarnings', 'Failed', 'Skipped'];

export const sessionParams = {
  type: 'object', required: ['session'], additionalProperties: false,
  properties: { session: { type: 'string', pattern: SESSION_PATTERN } },
} as const;

export const chunkParams = {
  type: 'object', required: ['session', 'chunkId'], additionalProperties: false,
  properties: { session: { type: 'string', pattern: SESSION_PATTERN }, chunkId: { type: 'string', pattern: CHUNK_PATTERN } },
} as const;

interface SessionParams { session: string }
interface ChunkParams extends SessionParams { chunkId: string }

export function unknownSession(reply: FastifyReply, session: string): FastifyReply {
  return sendError(reply, 404, 'DASHBOARD_UNKNOWN_SESSION', `no session ${session} in the state database`);
}

/** GET routes: history, snapshots, paged chunks, one chunk's log tail, errors, events, the stream. */
export function registerReadRoutes(app: FastifyInstance, data: DashboardData, hub: StreamHub, version: string): void {
  app.get('/api/v1/health', async () => ({ version, readOnly: data.readOnly, defaultSession: data.defaultSessionId() ?? null }));

  app.get<{ Querystring: { limit: number } }>('/api/v1/runs', {
    schema: { querystring: { type: 'object', properties: { limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 } } } },
  }, async (req) => ({ runs: historyView(data.store.history(req.query.limit)) }));

  app.get<{ Params: SessionParams }>('/api/v1/runs/:session', { schema: { params: sessionParams } }, async (req, reply) => {
    const snap = data.snapshot(req.params.session);
    return snap ?? unknownSession(reply, req.params.session);
  });

  app.get<{ Params: SessionParams; Querystring: { profileRunId?: number; status?: string; q?: string; sort: ChunkSort; dir: 'asc' | 'desc'; offset: number; limit: number } }>(
    '/api/v1/runs/:session/chunks', {
      schema: {
        params: sessionParams,
        querystring: {
          type: 'object', additionalProperties: false,
          properties: {
            profileRunId: { type: 'integer', minimum: 1 },
            status: { type: 'string', pattern: `^(${STATUSES.join('|')})(,(${STATUSES.join('|')}))*$` },
            q: { type: 'string', maxLength: 200 },
            sort: { type: 'string', enum: Object.keys(CHUNK_SORTS), default: 'status' },
            dir: { type: 'string', enum: ['asc', 'desc'], default: 'asc' },
            offset: { type: 'integer', minimum: 0, default: 0 },
            limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
          },
        },
      },
    }, async (req, reply) => {
      if (!data.store.getRun(req.params.session)) return unknownSession(reply, req.params.session);
      const q = req.query;
      const page = data.store.chunkPage(req.params.session, {
        profileRunId: q.profileRunId, statuses: q.status ? (q.status.split(',') as ChunkStatus[]) : undefined, q: q.q,
        sort: q.sort, descending: q.dir === 'desc', offset: q.offset, limit: q.limit,
      });
      // "Log" is offered only where the recorded file exists (engines such as native write none).
      const rows = page.rows.map((c) => ({ ...chunkView(c), hasLog: c.logPath !== null && fs.existsSync(fsPath(c.logPath)) }));
      return { total: page.total, offset: q.offset, limit: q.limit, rows };
    });

  app.get<{ Params: ChunkParams; Querystring: { profileRunId?: number; lines: number } }>('/api/v1/runs/:session/chunks/:chunkId/log', {
    schema: {
      params: chunkParams,
      querystring: { type: 'object', additionalProperties: false, properties: { profileRunId: { type: 'integer', minimum: 1 }, lines: { type: 'integer', minimum: 1, maximum: 2000, default: 200 } } },
    },
  }, async (req, reply) => {
    // The path is the one the run recorded for this chunk of this session; the client names only ids.
    const chunk = data.store.findSessionChunk(req.params.session, req.params.chunkId, req.query.profileRunId);
    if (!chunk) return sendError(reply, 404, 'DASHBOARD_UNKNOWN_CHUNK', `session ${req.params.session} has no chunk ${req.params.chunkId}`);
    if (!chunk.logPath) return sendError(reply, 404, 'DASHBOARD_NO_LOG', `the run recorded no engine log for chunk ${chunk.chunkId} (the engine writes none, or no log directory is configured)`);
    try {
      const tail = readLogTail(chunk.logPath, req.query.lines);
      return { chunkId: chunk.chunkId, attempt: chunk.attempts, file: path.basename(chunk.logPath), ...tail };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'EIO';
      return sendError(reply, 404, 'DASHBOARD_LOG_UNREADABLE', `the log of chunk ${chunk.chunkId} cannot be read (${code})`);
    }
  });

  // Prometheus text exposition of one session (default: the one the dashboard shows first): the
  // same gauges and counters as `run --metrics-file`, from the run's live status and its events.
  app.get<{ Querystring: { session?: string } }>('/metrics', {
    schema: { querystring: { type: 'object', additionalProperties: false, properties: { session: { type: 'string', pattern: SESSION_PATTERN } } } },
  }, async (req, reply) => {
    const session = req.query.session ?? data.defaultSessionId();
    if (!session || !data.store.getRun(session)) return unknownSession(reply, session ?? '(none yet)');
    const row = data.store.readRunStatus(session);
    const status = row ? JSON.parse(row.json) as OrchestrationStatus : undefined;
    const events = data.store.readEventsSince(session, 0, MAX_METRICS_EVENTS);
    return reply.type('text/plain; version=0.0.4; charset=utf-8').send(await renderMetricsText({ status, events }, version));
  });

  app.get<{ Params: SessionParams }>('/api/v1/runs/:session/errors', { schema: { params: sessionParams } }, async (req, reply) => {
    if (!data.store.getRun(req.params.session)) return unknownSession(reply, req.params.session);
    return errorGroups(data.store, req.params.session, ERRORS_PER_GROUP);
  });

  app.get<{ Params: SessionParams }>('/api/v1/runs/:session/errors.csv', { schema: { params: sessionParams } }, async (req, reply) => {
    if (!data.store.getRun(req.params.session)) return unknownSession(reply, req.params.session);
    return reply.type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="robocurse-errors-${req.params.session}.csv"`)
      .send(errorsCsv(errorGroups(data.store, req.params.session)));
  });

  app.get<{ Params: SessionParams; Querystring: { after: number; limit: number } }>('/api/v1/runs/:session/events', {
    schema: {
      params: sessionParams,
      querystring: { type: 'object', additionalProperties: false, properties: { after: { type: 'integer', minimum: 0, default: 0 }, limit: { type: 'integer', minimum: 1, maximum: 1000, default: 200 } } },
    },
  }, async (req, reply) => {
    if (!data.store.getRun(req.params.session)) return unknownSession(reply, req.params.session);
    const events = data.store.readEventsSince(req.params.session, req.query.after, req.query.limit);
    return { events: envelopes(events, sessionOrigin(data.store, req.params.session)) };
  });

  app.get<{ Querystring: { session: string } }>('/api/v1/stream', {
    schema: { querystring: { type: 'object', required: ['session'], properties: { session: { type: 'string', pattern: SESSION_PATTERN } } } },
  }, async (req, reply) => {
    if (!data.store.getRun(req.query.session)) return unknownSession(reply, req.query.session);
    const header = req.headers['last-event-id'];
    const last = typeof header === 'string' && /^\d{1,15}$/.test(header) ? Number(header) : undefined;
    // Hijacked: fastify's onSend hooks no longer run, so the security headers are set here too.
    reply.hijack();
    reply.raw.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no',
      connection: 'keep-alive',
    });
    reply.raw.socket?.setNoDelay(true);
    hub.attach(req.query.session, reply.raw, last);
    return reply;
  });
}
