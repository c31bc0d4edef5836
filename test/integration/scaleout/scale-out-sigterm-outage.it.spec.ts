import { useScaleOutHarness } from './scale-out-harness';
import { sigtermWithoutRedis } from './sigterm-without-redis';

/**
 * Scale-out with a real redis-server and real `robocurse worker` processes: a worker told to stop
 * while Redis is down (killed: connections refused) kills its copiers and exits within a bounded
 * time instead of waiting for Redis; its chunks run elsewhere once Redis is back.
 */
describe('scale-out: a worker gets SIGTERM while Redis is down', function () {
  this.timeout(240_000);
  const h = useScaleOutHarness();

  it('it kills its copiers and exits 0 without Redis; its chunks run elsewhere when Redis is back; the run completes', async () => {
    await sigtermWithoutRedis(h, () => h.redis.kill(), async () => { await h.redis.start(); });
  });
});
