import { expect } from 'chai';
import * as os from 'node:os';
import { freePort, startFramedSyslogReceiver } from '../../helpers/rsyslog';
import { simulatedRun, siemBehindHub } from './siem-run';

describe('siem with a syslog server that is down (integration)', function () {
  this.timeout(30000);

  it('never blocks the run: events are queued, retried, and what is lost is counted and reported', async () => {
    const port = await freePort('tcp'); // nothing listens here
    const { hub, siem, logger } = await siemBehindHub({
      syslog: { host: '127.0.0.1', port, protocol: 'tcp', maxQueue: 20, reconnectMinMs: 20, reconnectMaxMs: 100 },
      flushTimeoutMs: 300,
    }, os.tmpdir());
    const events = simulatedRun();
    for (const e of events) hub.publish(e);
    await hub.flush();
    // Every handler call returned in time (nothing waited for the network)...
    expect(hub.stats()[0]).to.deep.include({ delivered: events.length, failed: 0, timedOut: 0, dropped: 0 });
    // ...and every message was lost: the oldest while the queue was full, the rest at flush.
    expect(await siem.flushAndCount()).to.equal(events.length);
    const warn = logger.lines.find((l) => l.level === 'warn' && l.obj.dropped !== undefined);
    expect(warn?.obj).to.include({ dropped: events.length, port, protocol: 'tcp' });
  });

  it('delivers what it queued once the server comes back', async () => {
    const port = await freePort('tcp');
    const { hub, siem } = await siemBehindHub({
      syslog: { host: '127.0.0.1', port, protocol: 'tcp', reconnectMinMs: 20, reconnectMaxMs: 50 },
      flushTimeoutMs: 5000,
    }, os.tmpdir());
    const events = simulatedRun().slice(0, 20);
    for (const e of events) hub.publish(e);
    await new Promise((r) => setTimeout(r, 100)); // a few refused connection attempts
    const receiver = await startFramedSyslogReceiver({ port });
    try {
      await hub.flush();
      expect(await siem.flushAndCount()).to.equal(0);
      expect(receiver.messages).to.have.length(events.length);
    } finally {
      await receiver.stop();
    }
  });
});
