import { expect } from 'chai';
import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCliLikeCron } from '../../helpers/cli-child';
import { makeTree, removeTemp, tempDir } from '../../helpers/make-tree';
import { selfSignedCert, type TestCert } from '../../helpers/self-signed-cert';
import { startSmtpServer, type TestSmtp } from '../../helpers/smtp';
import { ENGINE_KEYS, testEnv, writeConfig } from './figures-kit';

/**
 * Every figure of a run with a retried chunk, from every view: the --json summary, the text
 * summary, history, status, the SIEM events, the email report and the state database. Chunk `a`
 * copies three of its four files, then fails on the fourth; its retries copy nothing new. The
 * totals must count the three (on main they said 0 for the chunk: only its last attempt counted).
 */
describe('figures: a chunk retried after copying files counts them everywhere (CLI)', function () {
  this.timeout(180_000);
  let dir: string;
  let cert: TestCert;
  let smtp: TestSmtp;
  before(async () => {
    dir = tempDir('robocurse-counts-');
    cert = await selfSignedCert(dir);
    smtp = await startSmtpServer({ cert: cert.cert, key: cert.key, user: 'robo', pass: 'pw' });
  });
  after(async () => { await smtp.stop(); removeTemp(dir); });

  for (const engine of ['native', 'rsync', 'robocopy'] as const) {
    it(`${engine}: summary, history, status, SIEM, email and state agree on 4 files / 5000 bytes`, async () => {
      const work = path.join(dir, engine);
      makeTree(path.join(work, 'src'), { a: { f1: 1000, f2: 1000, f3: 1000, f4: 1000 }, b: { g: 2000 } });
      fs.writeFileSync(path.join(work, 'smtp-pass'), 'pw\n');
      // native and rsync: a directory where file f4 goes fails every attempt of chunk a (no
      // mirror to remove it); the fake robocopy fails f4 itself (access denied).
      if (engine !== 'robocopy') makeTree(path.join(work, 'dst'), { a: { f4: { inside: 'x' } } });
      const file = writeConfig(work, {
        docs: { source: 'src', destination: 'dst', chunking: { maxChunkFiles: 1 }, retry: { maxAttempts: 3, backoffSeconds: 0, engineRetries: 0, engineWaitSeconds: 0 }, ...ENGINE_KEYS[engine] },
      }, {
        maxConcurrentJobs: 1,
        plugins: [
          { use: 'siem', options: { jsonl: { dir: 'siem' } } },
          { use: 'email', options: { from: 'r@example.com', to: ['ops@example.com'], host: '127.0.0.1', port: smtp.port, starttls: 'required', tls: { caFile: cert.certFile }, auth: { user: 'robo', password: { file: 'smtp-pass' } } } },
        ],
      });
      const env = testEnv(work, { FAKE_ROBOCOPY_FAIL_FILES: 'f4' });
      const mailsBefore = smtp.received.length;
      const r = await runCliLikeCron(['run', '--config', file, '--all', '--json'], { cwd: work, env });
      expect(r.code, r.stderr).to.equal(1);
      const p = (r.summary!.profiles as Array<Record<string, number>>)[0];
      expect(p).to.include({ filesCopied: 4, bytesCopied: 5000, chunksFailed: 1 });
      expect(r.summary!.dryRun).to.equal(false);

      // The last status line of --json: the totals once, not twice.
      const last = r.lines.filter((l) => l.type === 'status').pop()!;
      expect(last.overallBytesTotal).to.equal(6000);
      expect(last.overallBytesTotal).to.equal(last.bytesTotal);
      expect(last.overallBytesComplete).to.equal(last.bytesComplete);

      const text = await runCliLikeCron(['history', '--config', file], { cwd: work, env });
      expect(text.stdout).to.match(/4 files, 4\.88 KiB copied/);
      const hist = JSON.parse((await runCliLikeCron(['history', '--config', file, '--json'], { cwd: work, env })).stdout);
      expect(hist.runs[0].profiles[0]).to.include({ filesCopied: 4, bytesCopied: 5000 });
      const status = JSON.parse((await runCliLikeCron(['status', '--config', file, '--json'], { cwd: work, env })).stdout);
      expect(status.session.profiles[0]).to.include({ filesCopied: 4, bytesCopied: 5000 });

      // SIEM: each attempt's ChunkComplete carries its own work; they add up to the totals.
      const siemFile = fs.readdirSync(path.join(work, 'siem'))[0];
      const events = fs.readFileSync(path.join(work, 'siem', siemFile), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      const completes = events.filter((e) => e.eventType === 'ChunkComplete');
      expect(completes.reduce((s, e) => s + Number(e.filesCopied), 0)).to.equal(4);
      expect(completes.filter((e) => e.chunkId === completes.find((c) => c.data_severity === 'Error')?.chunkId).map((e) => e.attempt)).to.deep.equal([1, 2, 3]);
      const end = events.find((e) => e.eventType === 'SessionEnd')!;
      expect(end).to.include({ filesCopied: 4, bytesCopied: 5000 });
      expect(events.find((e) => e.eventType === 'ProfileComplete')).to.include({ filesCopied: 4, bytesCopied: 5000 });

      const [mail] = (await smtp.waitForMessages(mailsBefore + 1)).slice(mailsBefore);
      expect(mail.text).to.contain('Copied: 4 files, 4.88 KiB').and.to.contain('Files copied: 4 ');

      // files.log names the file that failed, relative to the profile's source, with why.
      const failed = await runCliLikeCron(['log', 'show', '--failed', '--config', file], { cwd: work, env });
      expect(failed.code, failed.stderr).to.equal(0);
      const lines = failed.stdout.split('\n').filter((l) => l.includes('\tfail\t'));
      expect(lines.length).to.be.at.least(1);
      expect(lines.every((l) => l.split('\t')[3] === 'a/f4')).to.equal(true);
      expect(lines[0].split('\t')[5]).to.not.equal('');

      // The state database: one row per attempt; the chunk row holds their sum.
      const db = new Database(path.join(work, 'state', 'robocurse.db'), { readonly: true });
      try {
        const rows = db.prepare('SELECT a.attempt, a.files_copied FROM chunk_attempts a JOIN chunks c USING (profile_run_id, chunk_id) WHERE c.rel_path = ? ORDER BY attempt').all('a') as { attempt: number; files_copied: number }[];
        expect(rows.map((x) => x.attempt)).to.deep.equal([1, 2, 3]);
        expect(rows[0].files_copied).to.equal(3);
        expect(rows.slice(1).every((x) => x.files_copied === 0)).to.equal(true);
        expect(db.prepare("SELECT files_copied FROM chunks WHERE rel_path = 'a'").get()).to.deep.equal({ files_copied: 3 });
      } finally { db.close(); }
    });
  }

  it('text summary and history write rates and sizes in units, never float noise', async () => {
    const work = path.join(dir, 'units');
    makeTree(path.join(work, 'src'), { 'a.bin': 47, b: { 'c.bin': 3 } });
    const file = writeConfig(work, { docs: { source: 'src', destination: 'dst' } });
    const r = await runCliLikeCron(['run', '--config', file, '--all'], { cwd: work, env: testEnv(work) });
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/2 files, 50 B copied in \d+(\.\d)?s \((\d+ B|[\d.]+ KiB)\/s\)/);
    const h = await runCliLikeCron(['history', '--config', file], { cwd: work, env: testEnv(work) });
    for (const out of [r.stdout, h.stdout]) expect(out).not.to.match(/\d\.\d{4,}/);
  });
});
