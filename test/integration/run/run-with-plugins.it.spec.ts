import { expect } from 'chai';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { packageRoot } from '../../../src/paths';
import { makeTree, removeTemp, tempDir } from '../../helpers/make-tree';
import { freePort, startRsyslog, syslogJson, type TestRsyslog } from '../../helpers/rsyslog';
import { runCli } from '../../helpers/run-cli';
import { selfSignedCert } from '../../helpers/self-signed-cert';
import { startSmtpServer, type TestSmtp } from '../../helpers/smtp';

/** A whole `robocurse run` (real process) with the SIEM, email and a third-party webhook plugin. */
describe('run with plugins: SIEM to rsyslog, email over SMTP, a webhook loaded by path', function () {
  this.timeout(60_000);
  let dir: string;
  let rsyslog: TestRsyslog;
  let smtp: TestSmtp;
  let hook: http.Server;
  const posted: { type: string; seq: number }[] = [];

  before(async () => {
    dir = tempDir();
    const cert = await selfSignedCert(dir);
    rsyslog = await startRsyslog();
    smtp = await startSmtpServer({ cert: cert.cert, key: cert.key, user: 'robo', pass: 's3cret' });
    hook = http.createServer((req, res) => {
      let body = '';
      req.on('data', (b: Buffer) => { body += b.toString(); });
      req.on('end', () => { const e = JSON.parse(body); posted.push({ type: e.type, seq: e.seq }); res.end('ok'); });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    makeTree(path.join(dir, 'src'), { a: { 'f.txt': 'x' }, b: { 'g.txt': 'y', c: { 'h.txt': 'z' } }, 'top.txt': 't' });
    fs.writeFileSync(path.join(dir, 'smtp-pass'), 's3cret\n');
    fs.writeFileSync(path.join(dir, 'robocurse.json'), JSON.stringify({
      version: 1,
      global: {
        logDir: 'logs', stateDir: 'state',
        plugins: [
          { use: 'siem', options: { jsonl: { dir: 'siem' }, syslog: { host: '127.0.0.1', port: rsyslog.tcpPort, protocol: 'tcp' } } },
          { use: 'email', options: { from: 'robocurse@example.com', to: ['ops@example.com'], host: '127.0.0.1', port: smtp.port, starttls: 'required',
            tls: { caFile: cert.certFile }, auth: { user: 'robo', password: { file: 'smtp-pass' } } } },
          { use: path.relative(dir, path.join(packageRoot(), 'test', 'fixtures', 'webhook-notifier')).startsWith('.') ? path.relative(dir, path.join(packageRoot(), 'test', 'fixtures', 'webhook-notifier')) : `./${path.relative(dir, path.join(packageRoot(), 'test', 'fixtures', 'webhook-notifier'))}`,
            options: { url: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/events` } },
        ],
      },
      profiles: { docs: { source: 'src', destination: 'dst', chunking: { maxChunkFiles: 1 } } },
    }));
  });
  after(async () => {
    await Promise.allSettled([rsyslog?.stop(), smtp?.stop(), new Promise((r) => hook?.close(r))]);
    removeTemp(dir);
  });

  it('delivers every event to every notifier, in order, and mails the report', async () => {
    const r = await runCli(['run', '--config', path.join(dir, 'robocurse.json'), '--all', '--log-level', 'warn']);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stderr).to.not.contain('s3cret');
    const day = fs.readdirSync(path.join(dir, 'siem'));
    expect(day).to.have.length(1);
    const jsonl = fs.readFileSync(path.join(dir, 'siem', day[0]), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const seqs = jsonl.map((e) => e.seq as number);
    expect(seqs).to.deep.equal(seqs.map((_, i) => i + 1));
    expect(jsonl[0].eventType).to.equal('SessionStart');
    expect(jsonl[jsonl.length - 1].eventType).to.equal('SessionEnd');

    const syslog = (await rsyslog.waitForMessages(jsonl.length)).map(syslogJson);
    expect(syslog.map((e) => e.seq)).to.deep.equal(seqs);

    expect(posted.map((p) => p.seq)).to.deep.equal(seqs);

    const [mail] = await smtp.waitForMessages(1);
    expect(mail.subject).to.contain('Success').and.to.contain('docs');
    expect(mail.text).to.contain('docs');
    expect(String(mail.html)).to.contain('docs');
    // The password never reaches a log.
    const logs = fs.readdirSync(path.join(dir, 'logs')).filter((f) => f.endsWith('.log')).map((f) => fs.readFileSync(path.join(dir, 'logs', f), 'utf8')).join('');
    expect(logs).to.not.contain('s3cret');
  });

  it('an SMTP server that is down is logged, and the run still exits 0', async () => {
    const cfgFile = path.join(dir, 'robocurse.json');
    const cfg = JSON.parse(fs.readFileSync(cfgFile, 'utf8'));
    cfg.global.plugins = [cfg.global.plugins[1]];
    cfg.global.plugins[0].options.port = await freePort('tcp');
    cfg.global.plugins[0].options.timeoutMs = 2000;
    fs.writeFileSync(path.join(dir, 'down.json'), JSON.stringify(cfg));
    const r = await runCli(['run', '--config', path.join(dir, 'down.json'), '--all', '--log-level', 'warn', '--no-resume']);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stderr).to.match(/email|smtp|ECONNREFUSED/i);
  });
});
