import { DEFAULT_PREFIX, poolKeys } from '../../scaleout/names';
import { parseQueueUrl, probeRedis, redisOptions } from '../../scaleout/redis-url';
import { EXIT, type ExitCode } from '../exit-codes';
import type { CliIo, CommonArgs } from '../io';
import { handleCommandError } from './validate';

export interface WorkersArgs extends CommonArgs {
  queue: string;
  prefix?: string;
}

/** `robocurse workers --queue …`: the workers connected to the pool (heartbeat not expired), and its coordinator. */
export async function workersCommand(args: WorkersArgs, io: CliIo): Promise<ExitCode> {
  let address;
  try {
    address = parseQueueUrl(args.queue, '--queue', io.env);
  } catch (e) {
    return handleCommandError(e, args, io);
  }
  try {
    await probeRedis(address);
  } catch (e) {
    io.stderr.write(`robocurse: ${(e as Error).message}\n`);
    return EXIT.Fatal;
  }
  const { Redis } = await import('ioredis');
  const { listWorkers } = await import('../../scaleout/worker-registry');
  const redis = new Redis({ ...redisOptions(address), maxRetriesPerRequest: 1 });
  try {
    const keys = poolKeys(args.prefix ?? DEFAULT_PREFIX);
    const workers = await listWorkers(redis, keys);
    const lease = await redis.get(keys.lease);
    const coordinator = lease ? (JSON.parse(lease) as { sessionId: string; host: string; pid: number; acquiredAt: string }) : undefined;
    if (args.json) {
      io.stdout.write(`${JSON.stringify({ type: 'workers', queue: address.display, coordinator: coordinator ? { sessionId: coordinator.sessionId, host: coordinator.host, pid: coordinator.pid, since: coordinator.acquiredAt } : null, workers })}\n`);
      return EXIT.Success;
    }
    io.stdout.write(coordinator ? `coordinator: session ${coordinator.sessionId} on ${coordinator.host} (pid ${coordinator.pid}) since ${coordinator.acquiredAt}\n` : 'coordinator: none\n');
    if (workers.length === 0) io.stdout.write(`no worker connected to ${address.display}\n`);
    for (const w of workers) {
      io.stdout.write(`${w.host}  pid ${w.pid}  slots ${w.slots}  running ${w.running.length}${w.running.length ? ` (${w.running.join(', ')})` : ''}  last heartbeat ${w.lastHeartbeat}  id ${w.id}\n`);
    }
    return EXIT.Success;
  } finally {
    redis.disconnect();
  }
}
