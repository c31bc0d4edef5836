import { useScaleOutHarness } from './scale-out-harness';
import { sigtermWithoutRedis } from './sigterm-without-redis';

/**
 * Scale-out with a real redis-server and real `robocurse worker` processes: a worker told to stop
 * while Redis hangs (SIGSTOPped: its connections stay open and nothing answers, as behind a
 * firewall that drops packets) kills its copiers and exits within a bounded time all the same.
 */
describe('scale-out: a worker gets SIGTERM while Redis hangs', function () {
  this.timeout(240_000);
  const h = useScaleOutHarness();
  // A case that fails leaves no stopped redis-server behind for the harness to kill.
  afterEach(() => { h.redis.thaw(); });

  it('it kills its copiers and exits 0 while Redis hangs; its chunks run elsewhere when Redis answers again; the run completes', async () => {
    await sigtermWithoutRedis(h, async () => { h.redis.freeze(); }, async () => { h.redis.thaw(); });
  });
});
