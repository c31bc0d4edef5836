import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startFramedSyslogReceiver, syslogJson } from '../../helpers/rsyslog';
import { selfSignedCert } from '../../helpers/self-signed-cert';
import { simulatedRun, siemBehindHub } from './siem-run';

describe('siem → syslog over TLS (integration)', function () {
  this.timeout(30000);
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'siem-tls-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('delivers every event in order to a TLS server whose certificate it verifies', async () => {
    const cert = await selfSignedCert(dir);
    const receiver = await startFramedSyslogReceiver({ tls: cert });
    try {
      const { hub, siem } = await siemBehindHub({ syslog: { host: '127.0.0.1', port: receiver.port, protocol: 'tls', tls: { caFile: 'cert.pem' } } }, dir);
      const events = simulatedRun();
      for (const e of events) hub.publish(e);
      await hub.flush();
      expect(await siem.flushAndCount()).to.equal(0);
      const got = receiver.messages.map((m) => syslogJson(m));
      expect(got.map((r) => `${String(r.sessionId)}#${String(r.seq)}`)).to.deep.equal(events.map((e) => `${e.sessionId}#${e.seq}`));
    } finally {
      await receiver.stop();
    }
  });

  it('sends nothing to a server whose certificate it cannot verify, and counts the drops', async () => {
    const serverCert = await selfSignedCert(dir);
    fs.mkdirSync(path.join(dir, 'other'));
    await selfSignedCert(path.join(dir, 'other'));
    const receiver = await startFramedSyslogReceiver({ tls: serverCert });
    try {
      const { hub, siem, logger } = await siemBehindHub({
        syslog: { host: '127.0.0.1', port: receiver.port, protocol: 'tls', tls: { caFile: 'other/cert.pem' }, reconnectMinMs: 20, reconnectMaxMs: 50 },
        flushTimeoutMs: 300,
      }, dir);
      const events = simulatedRun().slice(0, 10);
      for (const e of events) hub.publish(e);
      await hub.flush();
      expect(receiver.messages).to.deep.equal([]);
      expect(await siem.flushAndCount()).to.equal(events.length);
      const warn = logger.lines.find((l) => l.level === 'warn' && /syslog server unreachable/.test(l.msg ?? ''));
      expect(JSON.stringify(warn?.obj)).to.match(/self[- ]signed|certificate/i);
    } finally {
      await receiver.stop();
    }
  });
});
