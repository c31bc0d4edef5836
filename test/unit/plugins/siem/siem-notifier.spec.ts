import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { JsonlWriter } from '../../../../plugins/siem/jsonl-writer';
import type { SiemOptions } from '../../../../plugins/siem/options';
import { SiemNotifier } from '../../../../plugins/siem/siem-notifier';
import type { SyslogSender } from '../../../../plugins/siem/syslog-sender';
import { deliver } from '../../../contract/notifier-contract';
import { makeEvent, sampleEvents } from '../../../contract/sample-events';
import { recordingLogger } from '../../../helpers/recording-logger';

/** Stands in for a syslog connection: keeps what was sent; reports `drops` at flush. */
class FakeSender implements SyslogSender {
  sent: string[] = [];
  constructor(private readonly drops = 0) {}
  send(m: string): void { this.sent.push(m); }
  async flush(): Promise<number> { return this.drops; }
  dropped(): number { return this.drops; }
}

function options(over: Partial<SiemOptions> = {}): SiemOptions {
  return { fieldNames: 'native', redactPaths: 'none', redactSalt: '', flushTimeoutMs: 100, ...over };
}

const syslog = {
  host: '127.0.0.1', port: 514, protocol: 'tcp', facility: 'local3', appName: 'robocurse', sdId: 'robocurse@32473',
  tls: { rejectUnauthorized: true }, maxQueue: 10, connectTimeoutMs: 100, reconnectMinMs: 10, reconnectMaxMs: 100,
} as const;

describe('siem: SiemNotifier', () => {
  it('appends one JSON line per event to the daily file of the event date', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'siem-'));
    const n = new SiemNotifier(options({ jsonl: { dir } }), { jsonl: new JsonlWriter(dir) }, recordingLogger());
    const day1 = sampleEvents('s-a', Date.UTC(2024, 0, 31, 23, 59, 50));
    await deliver(n, day1);
    await n.flush();
    const files = fs.readdirSync(dir).sort();
    expect(files).to.deep.equal(['robocurse-siem-2024-01-31.jsonl', 'robocurse-siem-2024-02-01.jsonl']);
    const records = files.flatMap((f) => fs.readFileSync(path.join(dir, f), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>));
    expect(records.map((r) => r.seq)).to.deep.equal(day1.map((e) => e.seq));
    // Host and user of the whole session come from its SessionStart.
    expect(records.every((r) => r.host === 'fs01' && r.user === 'backup')).to.equal(true);
  });

  it('sends one RFC 5424 message per event with the record as JSON message', async () => {
    const sender = new FakeSender();
    const n = new SiemNotifier(options({ syslog: { ...syslog } }), { syslog: sender }, recordingLogger());
    const events = sampleEvents('s-b');
    await deliver(n, events);
    expect(sender.sent).to.have.length(events.length);
    const at = events.findIndex((e) => e.type === 'ChunkComplete');
    const complete = sender.sent[at];
    expect(events[at].seq).to.equal(at + 1);
    // local3 (19) * 8 + warning (4) = 156
    expect(complete).to.match(new RegExp(`^<156>1 \\S+ fs01 robocurse \\d+ ChunkComplete \\[robocurse@32473 sessionId="s-b" seq="${at + 1}" eventType`));
    expect(complete).to.match(/^<156>1 \S+ fs01 robocurse \d+ ChunkComplete \[robocurse@32473 sessionId="s-b" seq="\d+" eventType="ChunkComplete" severity="warning" host="fs01" user="backup" profile="docs" /);
    expect(complete).to.include('data_severity="Warning"');
    expect(complete).to.include('message="Some files were copied; \\"quotes\\" \\\\ and \\] brackets"');
    const json = JSON.parse(complete.slice(complete.indexOf('] {') + 2)) as Record<string, unknown>;
    expect(json).to.include({ eventType: 'ChunkComplete', sessionId: 's-b', seq: at + 1 });
  });

  it('uses the configured msgId and hostname instead of the event type and the session host', async () => {
    const sender = new FakeSender();
    const n = new SiemNotifier(options({ syslog: { ...syslog, msgId: 'RC', hostname: 'collector-name' } }), { syslog: sender }, recordingLogger());
    await deliver(n, [makeEvent('Paused', { suspend: true, activeJobs: 1 }, 's-c', 1, 0)]);
    expect(sender.sent[0].split(' ').slice(2, 6)).to.deep.equal(['collector-name', 'robocurse', String(process.pid), 'RC']);
  });

  it('flush logs a warning with the number of dropped messages and returns it', async () => {
    const logger = recordingLogger();
    const n = new SiemNotifier(options({ syslog: { ...syslog } }), { syslog: new FakeSender(7) }, logger);
    expect(await n.flushAndCount()).to.equal(7);
    const warn = logger.lines.find((l) => l.level === 'warn');
    expect(warn?.obj).to.include({ dropped: 7, protocol: 'tcp' });
    expect(warn?.msg).to.match(/^7 SIEM event\(s\) could not be delivered/);
  });
});
