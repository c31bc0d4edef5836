import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ControlCommand } from '../state';
import type { CommandOutcome, CommandSink } from './command-sink';
import type { DashboardData } from './dashboard-data';
import { chunkParams, sessionParams, unknownSession } from './read-routes';
import { sendError } from './security';

const emptyBody = { type: 'object', additionalProperties: false, properties: {} } as const;

/** Answers with what became of a command: 200 applied, 202 still queued, 409 refused by the run. */
function answer(reply: FastifyReply, command: ControlCommand, o: CommandOutcome): FastifyReply {
  if (o.state === 'rejected') return sendError(reply, 409, 'DASHBOARD_COMMAND_REJECTED', `${command}: ${o.reason}`);
  return reply.code(o.state === 'applied' ? 200 : 202).send({ command, ...o });
}

/**
 * The mutating routes. Registered only without --read-only, so a read-only dashboard has no
 * handler that could be reached by a bug in a check: its POSTs and PUTs end in 404.
 */
export function registerControlRoutes(app: FastifyInstance, data: DashboardData, sink: CommandSink): void {
  const send = async (reply: FastifyReply, session: string, command: ControlCommand, argument?: string | number): Promise<FastifyReply> => {
    if (!data.store.getRun(session)) return unknownSession(reply, session);
    if (!data.isRunning(session)) return sendError(reply, 409, 'DASHBOARD_NOT_RUNNING', `session ${session} is not running: there is nothing to control`);
    return answer(reply, command, await sink.send(session, command, argument));
  };

  app.post<{ Params: { session: string }; Body: { suspend: boolean } }>('/api/v1/runs/:session/pause', {
    schema: { params: sessionParams, body: { type: 'object', additionalProperties: false, properties: { suspend: { type: 'boolean', default: false } } } },
  }, async (req, reply) => send(reply, req.params.session, req.body.suspend ? 'suspend' : 'pause'));

  app.post<{ Params: { session: string } }>('/api/v1/runs/:session/resume', { schema: { params: sessionParams, body: emptyBody } },
    async (req, reply) => send(reply, req.params.session, 'resume'));

  app.post<{ Params: { session: string }; Body: { mode: 'drain' | 'stop' } }>('/api/v1/runs/:session/stop', {
    schema: { params: sessionParams, body: { type: 'object', required: ['mode'], additionalProperties: false, properties: { mode: { type: 'string', enum: ['drain', 'stop'] } } } },
  }, async (req, reply) => send(reply, req.params.session, req.body.mode));

  app.put<{ Params: { session: string }; Body: { limit: number } }>('/api/v1/runs/:session/concurrency', {
    schema: { params: sessionParams, body: { type: 'object', required: ['limit'], additionalProperties: false, properties: { limit: { type: 'integer', minimum: 1, maximum: 1024 } } } },
  }, async (req, reply) => send(reply, req.params.session, 'set-concurrency', req.body.limit));

  app.put<{ Params: { session: string }; Body: { mbps: number } }>('/api/v1/runs/:session/bandwidth', {
    schema: { params: sessionParams, body: { type: 'object', required: ['mbps'], additionalProperties: false, properties: { mbps: { type: 'number', minimum: 0, maximum: 1e7 } } } },
  }, async (req, reply) => send(reply, req.params.session, 'set-bandwidth', req.body.mbps));

  for (const action of ['retry', 'skip'] as const) {
    app.post<{ Params: { session: string; chunkId: string } }>(`/api/v1/runs/:session/chunks/:chunkId/${action}`, {
      schema: { params: chunkParams, body: emptyBody },
    }, async (req, reply) => {
      const { session, chunkId } = req.params;
      if (data.store.getRun(session) && !data.store.findSessionChunk(session, chunkId)) {
        return sendError(reply, 404, 'DASHBOARD_UNKNOWN_CHUNK', `session ${session} has no chunk ${chunkId}`);
      }
      return send(reply, session, action === 'retry' ? 'retry-chunk' : 'skip-chunk', chunkId);
    });
  }
}
