import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { FailedChunkSummary, Notifier } from '../../../src/api';
import { NotifierHub } from '../../../src/notify/notifier-hub';
import { instantiatePlugins } from '../../../src/plugins/instantiate';
import { loadPlugins } from '../../../src/plugins/loader';
import { makeEvent, sampleEvents, sampleProfileSummary } from '../../contract/sample-events';
import { freePort } from '../../helpers/rsyslog';
import { recordingLogger, type RecordingLogger } from '../../helpers/recording-logger';
import { selfSignedCert, type TestCert } from '../../helpers/self-signed-cert';
import { startSmtpServer } from '../../helpers/smtp';

const PASS = 'Tr0ub4dor&3-not-in-logs';
const PASS_ENV = 'ROBOCURSE_IT_SMTP_PASS';

async function emailNotifier(options: Record<string, unknown>, configDir: string): Promise<{ notifier: Notifier; logger: RecordingLogger }> {
  const logger = recordingLogger();
  const signal = new AbortController().signal;
  const { plugins, problems } = await loadPlugins([{ use: 'email', options, jsonPath: 'global.plugins[0]' }], { configDir, logger, signal });
  if (problems.length) throw new Error(JSON.stringify(problems));
  const { notifiers } = await instantiatePlugins(plugins, { logger, signal, configDir });
  return { notifier: notifiers[0], logger };
}

/** A run whose first profile failed 30 chunks, so the list is longer than maxListedFailures. */
function failedRun(sessionId: string) {
  const failed: FailedChunkSummary[] = Array.from({ length: 30 }, (_, i) => ({
    chunkId: `docs:tree:d${i}`, source: `/srv/data/d${i} <&>`, exitCode: 8, retryCount: 3, message: `copy failed ${i}`,
    errors: [{ path: `/srv/data/d${i}/f<${i}>.txt`, code: 'EACCES', message: 'permission denied' }],
  }));
  const profiles = [sampleProfileSummary('docs', { failedChunks: failed, chunksFailed: 30 }), sampleProfileSummary('media', { result: 'Success', chunksFailed: 0, failedChunks: [] })];
  // Without the sample FileFailed: these chunks' files are the ones their summaries name.
  const events = sampleEvents(sessionId).filter((e) => e.type !== 'SessionEnd' && e.type !== 'FileFailed');
  return [...events, makeEvent('SessionEnd', { outcome: 'Failed', exitCode: 2, durationMs: 60_000, filesCopied: 99, bytesCopied: 1_048_576, chunksFailed: 30, profiles }, sessionId, events.length + 1, Date.now())];
}

describe('email → SMTP server (integration)', function () {
  this.timeout(30000);
  let dir: string;
  let cert: TestCert;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'email-it-'));
    cert = await selfSignedCert(dir);
    process.env[PASS_ENV] = PASS;
  });
  after(() => {
    delete process.env[PASS_ENV];
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const options = (port: number, over: Record<string, unknown> = {}): Record<string, unknown> => ({
    from: 'robocurse@example.com', to: ['ops@example.com', 'backup-team@example.com'], subjectPrefix: '[fs01 backup]',
    host: '127.0.0.1', port, starttls: 'required', tls: { caFile: 'cert.pem' },
    auth: { user: 'robocurse', password: { env: PASS_ENV } }, maxListedFailures: 5, timeoutMs: 3000, ...over,
  });

  it('sends one report over STARTTLS with auth: subject, text and HTML bodies, failed-files attachment', async () => {
    const server = await startSmtpServer({ cert: cert.cert, key: cert.key, user: 'robocurse', pass: PASS });
    try {
      const { notifier, logger } = await emailNotifier(options(server.port), dir);
      const hub = new NotifierHub([notifier], { timeoutMs: 5000, logger });
      for (const e of failedRun('s-mail')) hub.publish(e);
      await hub.flush();
      const [mail] = await server.waitForMessages(1);
      expect(server.received).to.have.length(1);
      expect(server.secureSessions).to.deep.equal([true]);
      expect(server.authAttempts).to.deep.equal([{ user: 'robocurse', accepted: true, method: 'PLAIN' }]);
      expect(mail.subject).to.equal('[fs01 backup] Failed: docs, media on fs01');
      expect(mail.from?.text).to.equal('robocurse@example.com');
      expect((Array.isArray(mail.to) ? mail.to : [mail.to]).map((t) => t?.text).join(', ')).to.equal('ops@example.com, backup-team@example.com');
      expect(mail.text).to.include('Profile docs: Failed').and.include('Profile media: Success');
      expect(mail.text).to.include('Failures (60, first 5 shown; all in the attached failed-files.csv)');
      expect(mail.text).to.include('- [docs] chunk /srv/data/d0 <&> (exit 8, 3 retries): copy failed 0');
      expect(mail.html).to.include('<b>[docs] /srv/data/d0 &lt;&amp;&gt;</b>');
      expect(mail.html).not.to.include('<&>');
      expect(mail.attachments).to.have.length(1);
      const [att] = mail.attachments;
      expect(att.filename).to.equal('failed-files.csv');
      expect(att.contentType).to.equal('text/csv');
      const csv = att.content.toString('utf8').replace(/^\ufeff/, '').trimEnd().split('\r\n');
      expect(csv).to.have.length(61);
      expect(csv[60]).to.equal('"docs","docs:tree:d29","/srv/data/d29 <&>","8","3","/srv/data/d29/f<29>.txt","EACCES","permission denied","Error"');
      expect(logger.text()).not.to.include(PASS).and.not.to.include(Buffer.from(PASS).toString('base64'));
      expect(logger.lines.find((l) => l.msg === 'e-mail report sent')).to.not.equal(undefined);
    } finally {
      await server.stop();
    }
  });

  it('a failed run\'s report arrives high priority, a successful one and priorityOnFailure: false do not (headers as received)', async () => {
    const server = await startSmtpServer({ cert: cert.cert, key: cert.key, user: 'robocurse', pass: PASS });
    try {
      const send = async (sessionId: string, over: Record<string, unknown>, outcome: 'Failed' | 'Success'): Promise<void> => {
        const { notifier, logger } = await emailNotifier(options(server.port, over), dir);
        const hub = new NotifierHub([notifier], { timeoutMs: 5000, logger });
        const events = failedRun(sessionId);
        const end = events[events.length - 1] as typeof events[number] & { data: { outcome: string } };
        if (outcome === 'Success') end.data.outcome = 'Success';
        for (const e of events) hub.publish(e);
        await hub.flush();
      };
      await send('s-prio-failed', {}, 'Failed');
      await send('s-prio-success', {}, 'Success');
      await send('s-prio-off', { priorityOnFailure: false }, 'Failed');
      const mails = await server.waitForMessages(3);
      // The raw header lines as the server received them (mailparser folds the three into one 'priority').
      const prio = mails.map((m) => m.headerLines.filter((h) => /^(x-priority|x-msmail-priority|importance)$/.test(h.key)).map((h) => h.line));
      expect(prio).to.deep.equal([['X-Priority: 1 (Highest)', 'X-Msmail-Priority: High', 'Importance: High'], [], []]);
    } finally {
      await server.stop();
    }
  });

  it('logs a refused login without the password, and flush still resolves', async () => {
    const server = await startSmtpServer({ cert: cert.cert, key: cert.key, user: 'robocurse', pass: PASS, refuseAuth: true });
    try {
      const { notifier, logger } = await emailNotifier(options(server.port), dir);
      const hub = new NotifierHub([notifier], { timeoutMs: 5000, logger });
      for (const e of failedRun('s-refused')) hub.publish(e);
      await hub.flush();
      expect(server.received).to.deep.equal([]);
      expect(server.authAttempts).to.have.length.greaterThan(0);
      const err = logger.lines.find((l) => l.level === 'error');
      expect(err?.msg).to.equal('e-mail report could not be sent');
      expect(err?.obj.err).to.deep.include({ code: 'EAUTH', responseCode: 535 });
      expect(hub.stats()[0]).to.deep.include({ failed: 0, timedOut: 0, flushFailed: false });
      expect(logger.text()).not.to.include(PASS).and.not.to.include(Buffer.from(PASS).toString('base64'));
    } finally {
      await server.stop();
    }
  });

  it('logs a server that is down, and flush still resolves', async () => {
    const port = await freePort('tcp');
    const { notifier, logger } = await emailNotifier(options(port), dir);
    const hub = new NotifierHub([notifier], { timeoutMs: 5000, logger });
    for (const e of failedRun('s-down')) hub.publish(e);
    await hub.flush();
    const err = logger.lines.find((l) => l.level === 'error');
    expect(err?.obj.err).to.deep.include({ code: 'ESOCKET' });
    expect(String((err?.obj.err as { message: string }).message)).to.match(/ECONNREFUSED/);
  });

  it('refuses to send without STARTTLS when it is required (the password never crosses in clear)', async () => {
    const server = await startSmtpServer({ cert: cert.cert, key: cert.key, user: 'robocurse', pass: PASS });
    try {
      // A client that trusts nothing: the TLS upgrade fails, and there is no plain-text fallback.
      const { notifier, logger } = await emailNotifier(options(server.port, { tls: { rejectUnauthorized: true } }), dir);
      const hub = new NotifierHub([notifier], { timeoutMs: 5000, logger });
      for (const e of failedRun('s-notls')) hub.publish(e);
      await hub.flush();
      expect(server.received).to.deep.equal([]);
      expect(server.authAttempts).to.deep.equal([]);
      expect(logger.lines.find((l) => l.level === 'error')?.msg).to.equal('e-mail report could not be sent');
    } finally {
      await server.stop();
    }
  });
});
