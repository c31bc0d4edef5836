import { expect } from 'chai';
import pino from 'pino';
import { QueueDispatcher } from '../../../src/scaleout/queue-dispatcher';
import { parseQueueUrl } from '../../../src/scaleout/redis-url';
import { TestRedis } from '../../helpers/redis-server';

/**
 * Closing the coordinator's queue connection when Redis is gone or hung: the run that an outage
 * ended must exit soon after, so close() waits for Redis once (3 s in all), not once per step of
 * closing (the queue, its events, the lease, the connection: four times as long before).
 */
describe('queue dispatcher: close() while Redis is unreachable (real redis-server)', function () {
  this.timeout(60_000);
  const redis = new TestRedis();
  before(async () => { await redis.start(); });
  after(async () => { await redis.stop(); });

  // A pool of its own per test: a lease left in Redis by a close that could not reach it would
  // otherwise hold the next test's open until it expires.
  let pools = 0;
  const open = (): Promise<QueueDispatcher> => QueueDispatcher.open({
    address: parseQueueUrl(redis.url, '--queue', {}), sessionId: `close-${Date.now()}`, logger: pino({ level: 'silent' }), prefix: `close-test-${++pools}`,
  });

  const closeTime = async (d: QueueDispatcher): Promise<number> => {
    const t0 = Date.now();
    await d.close();
    return Date.now() - t0;
  };

  it('with Redis up, closes at once', async () => {
    expect(await closeTime(await open())).to.be.below(2000);
  });

  it('with Redis killed, waits for it at most about 3 s in all', async () => {
    const d = await open();
    await redis.kill();
    try {
      const ms = await closeTime(d);
      expect(ms, 'one bounded wait, not one per closing step').to.be.within(2500, 5500);
    } finally {
      await redis.start();
    }
  });

  it('with Redis hung (SIGSTOP), waits for it at most about 3 s in all', async () => {
    const d = await open();
    redis.freeze();
    try {
      const ms = await closeTime(d);
      expect(ms, 'one bounded wait, not one per closing step').to.be.within(2500, 5500);
    } finally {
      redis.thaw();
    }
  });
});
