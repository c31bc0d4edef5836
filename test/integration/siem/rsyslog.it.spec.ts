import { expect } from 'chai';
import * as os from 'node:os';
import { startRsyslog, syslogJson, type TestRsyslog } from '../../helpers/rsyslog';
import { simulatedRun, siemBehindHub, structuredData } from './siem-run';

describe('siem → rsyslogd (integration)', function () {
  this.timeout(60000);
  let rsyslog: TestRsyslog;
  let before = 0;
  // A real rsyslogd, started by the test; missing rsyslogd fails here with a clear message.
  beforeEach(async () => { rsyslog ??= await startRsyslog(); before = rsyslog.messages().length; });
  after(async () => { await rsyslog?.stop(); });

  for (const protocol of ['udp', 'tcp'] as const) {
    it(`delivers every event of a run over ${protocol.toUpperCase()}, parseable, in order per session`, async () => {
      const port = protocol === 'udp' ? rsyslog.udpPort : rsyslog.tcpPort;
      const { hub, siem, logger } = await siemBehindHub({ syslog: { host: '127.0.0.1', port, protocol, facility: 'local4', appName: 'robocurse-it' } }, os.tmpdir());
      const events = simulatedRun();
      for (const e of events) hub.publish(e);
      await hub.flush();
      expect(await siem.flushAndCount()).to.equal(0);
      const lines = (await rsyslog.waitForMessages(before + events.length)).slice(before);
      expect(lines).to.have.length(events.length);

      for (const line of lines) {
        expect(line).to.match(/^<1(6[3-9]|70)>1 \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?([+-]\d\d:\d\d|Z) fs01 robocurse-it \d+ [A-Za-z]+ \[robocurse@32473 /);
      }
      const records = lines.map((l) => ({ sd: structuredData(l), json: syslogJson(l) }));
      for (const sid of ['session-a', 'session-b']) {
        const mine = records.filter((r) => r.json.sessionId === sid);
        const expected = events.filter((e) => e.sessionId === sid);
        expect(mine.map((r) => r.json.seq)).to.deep.equal(expected.map((e) => e.seq));
        expect(mine.map((r) => r.sd.params.eventType)).to.deep.equal(expected.map((e) => e.type));
      }
      // SD-PARAM escaping survives a real parser's view of the message: values come back intact.
      const complete = records.find((r) => r.json.eventType === 'ChunkComplete')!;
      expect(complete.sd.params.message).to.equal('Some files were copied; "quotes" \\ and ] brackets');
      expect(complete.json.message).to.equal('Some files were copied; "quotes" \\ and ] brackets');
      expect(logger.lines.filter((l) => l.level === 'warn' || l.level === 'error')).to.deep.equal([]);
    });
  }
});
