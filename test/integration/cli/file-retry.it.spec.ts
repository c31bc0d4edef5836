import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { hashTree, rsyncDifferences, runCliLikeCron } from '../../helpers/cli-child';
import { makeTree, removeTemp, tempDir } from '../../helpers/make-tree';
import { needsRootReason, NOBODY } from '../../helpers/other-user';
import { selfSignedCert } from '../../helpers/self-signed-cert';
import { startSmtpServer } from '../../helpers/smtp';
import { chunkAttempts } from '../../helpers/run-evidence';
import { ENGINE_KEYS, expectNoStack, testEnv, writeConfig } from '../figures/figures-kit';
import { sessionEvents } from '../snapshot/cli-run';

type Summary = {
  outcome: string; sessionId: string; exitCode: number;
  profiles: { result: string; filesCopied: number; chunksFailed: number; chunksWarning: number; failedFiles?: { path: string; error: string; severity: string }[]; failedFilesTotal?: number; warningChunks?: { message: string }[] }[];
};

/** The `Files :` and `Options :` lines of each robocopy attempt of a chunk (its /UNILOG, UTF-16LE), in attempt order. */
function robocopyHeaders(logDir: string, sessionId: string, chunkId: string): { files: string; options: string }[] {
  const dir = path.join(logDir, sessionId, 'chunks');
  return fs.readdirSync(dir).filter((n) => n.startsWith(`${chunkId}-a`) && n.endsWith('.log')).sort().map((f) => {
    const text = fs.readFileSync(path.join(dir, f)).toString('utf16le');
    return { files: /Files : (.*)/.exec(text)![1].trim(), options: /Options : \*\.\* (.*)/.exec(text)![1].trim() };
  });
}

describe('per-file retries and failedFilesSeverity (real CLI, like cron)', function () {
  this.timeout(240_000);
  let dir: string;
  beforeEach(() => {
    dir = tempDir('robocurse-file-retry-');
    fs.chmodSync(dir, 0o755);
    makeTree(path.join(dir, 'victim'), { 'keep.txt': 'untouched' });
  });
  afterEach(() => removeTemp(dir));

  /** A source with the locked file in a chunk of its own directory (`docs`), other chunks beside it, and an extra in the destination. */
  function tree(locked = 'locked.db'): void {
    makeTree(path.join(dir, 'src'), {
      docs: { [locked]: 'always open', 'a.txt': 'a', 'b.txt': 'bb', deep: { 'c.txt': 'ccc' } },
      media: { 'm.bin': 5000 },
    });
    freshDestination();
  }

  /** The destination before a run: only an extra file where the locked file's chunk goes. */
  function freshDestination(owner?: { uid: number; gid: number }): void {
    fs.rmSync(path.join(dir, 'dst'), { recursive: true, force: true });
    fs.rmSync(path.join(dir, 'state'), { recursive: true, force: true });
    makeTree(path.join(dir, 'dst'), { docs: { 'extra.txt': 'not in the source' } });
    if (owner) for (const p of ['dst', 'dst/docs', 'dst/docs/extra.txt']) fs.chownSync(path.join(dir, p), owner.uid, owner.gid);
  }

  function profile(engine: 'native' | 'rsync' | 'robocopy', over: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      source: 'src', destination: 'dst', mirror: true, chunking: { mode: 'flat', maxDepth: 1 },
      retry: { maxAttempts: 3, backoffSeconds: 0, engineRetries: 1, engineWaitSeconds: 0 }, ...ENGINE_KEYS[engine], ...over,
    };
  }

  /** Runs like cron and checks what must hold whatever the severity: the file listed and failed every attempt, the rest identical, nothing else touched. */
  async function lockedRun(engine: 'native' | 'rsync' | 'robocopy', over: Record<string, unknown>, env: NodeJS.ProcessEnv, user?: string) {
    const file = writeConfig(dir, { data: profile(engine, over) }, { maxConcurrentJobs: 1 });
    const victim = hashTree(path.join(dir, 'victim'));
    const r = await runCliLikeCron(['run', '--config', file, '--all', '--json'], { cwd: dir, env: testEnv(dir, env), ...(user ? { user } : {}) });
    const summary = r.summary as unknown as Summary;
    expect(summary, r.stderr).to.not.equal(undefined);
    const p = summary.profiles[0];
    expect(p.failedFilesTotal).to.equal(1);
    expect(p.failedFiles!.map((f) => f.path)).to.deep.equal(['docs/locked.db']);
    // Everything else is in the destination, the extra was removed by the full attempt, and
    // nothing outside the destination changed.
    expect(rsyncDifferences(path.join(dir, 'src'), path.join(dir, 'dst'))).to.deep.equal(['>f+++++++++ docs/locked.db']);
    expect(hashTree(path.join(dir, 'victim'))).to.equal(victim);
    // One full attempt of the chunk, then two of the locked file only; the other chunk once.
    const a = chunkAttempts(path.join(dir, 'state'), summary.sessionId);
    expect(a.filter((x) => x.relPath === 'docs').map((x) => [x.attempt, x.onlyFiles, x.failed])).to.deep.equal([[1, null, 1], [2, 1, 1], [3, 1, 1]]);
    expect(a.filter((x) => x.relPath === 'docs').map((x) => x.copied)).to.deep.equal([3, 0, 0]);
    expect(a.filter((x) => x.relPath === 'media').map((x) => x.attempt)).to.deep.equal([1]);
    const events = sessionEvents(path.join(dir, 'state'), summary.sessionId);
    const starts = events.filter((e) => e.type === 'ChunkStart' && String(e.data.source).endsWith('/docs'));
    expect(starts.map((e) => e.data.onlyFiles)).to.deep.equal([undefined, 1, 1]);
    expect(events.filter((e) => e.type === 'ChunkRetry').map((e) => e.data.onlyFiles)).to.deep.equal([1, 1]);
    const failed = events.filter((e) => e.type === 'FileFailed');
    expect(failed.map((e) => [e.data.path, e.data.attempts])).to.deep.equal([['docs/locked.db', 3]]);
    expect(p.filesCopied).to.equal(4);
    return { r, summary, p, failed };
  }

  describe('robocopy (the fake: ERROR 32, a file another process always holds open)', () => {
    const env = { FAKE_ROBOCOPY_LOCKED_FILES: 'locked.db' };

    it('costs one full attempt plus file-only retries (the argv names the file, no /MIR), lists the file and exits 1 by default', async () => {
      tree();
      const { r, summary, p, failed } = await lockedRun('robocopy', {}, env);
      expect(r.code, r.stderr).to.equal(1);
      expect(summary.outcome).to.equal('Failed');
      expect(p.chunksFailed).to.equal(1);
      expect(p.failedFiles![0].error).to.match(/^32: The process cannot access the file because it is being used by another process/);
      expect(failed[0].data.severity).to.equal('Error');
      // What each attempt of the docs chunk ran with, from robocopy's own log header.
      const h = robocopyHeaders(path.join(dir, 'logs'), summary.sessionId, String(failed[0].data.chunkId));
      expect(h.map((x) => x.files)).to.deep.equal(['*.*', 'locked.db', 'locked.db']);
      expect(h[0].options.split(' ')).to.include('/MIR');
      // The profile's retry.engineRetries and engineWaitSeconds reach robocopy (/R:1 /W:0), every attempt.
      for (const v of h) expect(v.options.split(' ')).to.include.members(['/R:1', '/W:0']);
      for (const v of h.slice(1)) {
        const sw = v.options.split(' ');
        expect(sw).to.include('/LEV:1');
        expect(sw.filter((s) => ['/MIR', '/PURGE', '/E', '/S'].includes(s))).to.deep.equal([]);
      }
    });

    it('with failedFilesSeverity "warning" the run ends Warning, exit 0, the file still in the summary, the events and the text', async () => {
      tree();
      const { r, summary, p, failed } = await lockedRun('robocopy', { failedFilesSeverity: 'warning' }, env);
      expect(r.code, r.stderr).to.equal(0);
      expect(summary.outcome).to.equal('Warning');
      expect(p.result).to.equal('Warning');
      expect(p.chunksFailed).to.equal(0);
      expect(p.chunksWarning).to.equal(1);
      expect(p.failedFiles![0].severity).to.equal('Warning');
      expect(p.warningChunks![0].message).to.match(/^1 file\(s\) still failing after 3 attempt\(s\), reported as a warning/);
      expect(failed[0].data.severity).to.equal('Warning');
      // The text summary (cron mails stdout) names it too.
      const text = await runCliLikeCron(['run', '--config', path.join(dir, 'robocurse.json'), '--all', '--no-resume'], { cwd: dir, env: testEnv(dir, env) });
      expect(text.code, text.stderr).to.equal(0);
      expect(text.stdout).to.contain('1 file(s) still failing after the last attempt (failedFilesSeverity "warning": listed, not failed):')
        .and.to.contain('WARNING docs/locked.db: 32: The process cannot access the file');
      expectNoStack(text.stdout + text.stderr);
    });

    it('a file that fails once and then copies ends copied, counted once (exit 0, nothing listed)', async () => {
      tree('flaky.db');
      const file = writeConfig(dir, { data: profile('robocopy') }, { maxConcurrentJobs: 1 });
      const r = await runCliLikeCron(['run', '--config', file, '--all', '--json'], {
        cwd: dir, env: testEnv(dir, { FAKE_ROBOCOPY_FAIL_ONCE: 'flaky.db', FAKE_ROBOCOPY_ONCE_FILE: path.join(dir, 'failed-once') }),
      });
      expect(r.code, r.stderr).to.equal(0);
      const summary = r.summary as unknown as Summary;
      expect(summary.outcome).to.equal('Success');
      const p = summary.profiles[0];
      expect(p).to.include({ result: 'Success', filesCopied: 5, chunksFailed: 0, chunksWarning: 0 });
      expect(p.failedFiles).to.equal(undefined);
      expect(rsyncDifferences(path.join(dir, 'src'), path.join(dir, 'dst'))).to.deep.equal([]);
      const a = chunkAttempts(path.join(dir, 'state'), summary.sessionId).filter((x) => x.relPath === 'docs');
      expect(a.map((x) => [x.attempt, x.onlyFiles, x.copied, x.failed])).to.deep.equal([[1, null, 3, 1], [2, 1, 1, 0]]);
      expect(sessionEvents(path.join(dir, 'state'), summary.sessionId).filter((e) => e.type === 'FileFailed')).to.deep.equal([]);
      const hist = await runCliLikeCron(['history', '--failed-files', '--config', file, '--json'], { cwd: dir, env: testEnv(dir) });
      expect(JSON.parse(hist.stdout)).to.deep.include({ total: 0, files: [] });
    });

    it('a locked file in a subdirectory of a chunk retries the whole chunk (robocopy names only files of its own directory)', async () => {
      makeTree(path.join(dir, 'src'), { docs: { 'a.txt': 'a', deep: { 'locked.db': 'x', 'c.txt': 'c' } } });
      const file = writeConfig(dir, { data: profile('robocopy', { chunking: { mode: 'flat', maxDepth: 0 } }) }, { maxConcurrentJobs: 1 });
      const r = await runCliLikeCron(['run', '--config', file, '--all', '--json'], { cwd: dir, env: testEnv(dir, env) });
      expect(r.code, r.stderr).to.equal(1);
      const summary = r.summary as unknown as Summary;
      expect(summary.profiles[0].failedFiles!.map((f) => f.path)).to.deep.equal(['docs/deep/locked.db']);
      const a = chunkAttempts(path.join(dir, 'state'), summary.sessionId);
      expect(a.map((x) => x.onlyFiles)).to.deep.equal([null, null, null]);
      expect(r.stderr).to.contain("the whole chunk (robocopy can retry only files directly in the chunk's directory");
    });
  });

  it('30 files failing: the summary shows 20 and the total; history --failed-files and the e-mail CSV (real SMTP server) have all 30', async () => {
    const names = Array.from({ length: 30 }, (_, i) => `lock${String(i).padStart(2, '0')}.txt`);
    makeTree(path.join(dir, 'src'), { docs: { ...Object.fromEntries(names.map((n) => [n, n])), 'ok.txt': 'fine' } });
    const cert = await selfSignedCert(dir);
    const smtp = await startSmtpServer({ cert: cert.cert, key: cert.key, user: 'robo', pass: 'pw' });
    try {
      fs.writeFileSync(path.join(dir, 'smtp-pass'), 'pw\n');
      const file = writeConfig(dir, { data: profile('robocopy') }, {
        maxConcurrentJobs: 1,
        plugins: [{ use: 'email', options: { from: 'r@example.com', to: ['ops@example.com'], host: '127.0.0.1', port: smtp.port, starttls: 'required', tls: { caFile: cert.certFile }, auth: { user: 'robo', password: { file: 'smtp-pass' } }, maxListedFailures: 5 } }],
      });
      const env = testEnv(dir, { FAKE_ROBOCOPY_LOCKED_FILES: 'lock*.txt' });
      const r = await runCliLikeCron(['run', '--config', file, '--all', '--json'], { cwd: dir, env });
      expect(r.code, r.stderr).to.equal(1);
      const summary = r.summary as unknown as Summary;
      const p = summary.profiles[0];
      expect(p.failedFilesTotal).to.equal(30);
      expect(p.failedFiles).to.have.length(20);
      const expected = names.map((n) => `docs/${n}`);

      const text = await runCliLikeCron(['history', '--failed-files', '--config', file], { cwd: dir, env });
      expect(text.code, text.stderr).to.equal(0);
      const lines = text.stdout.trim().split('\n');
      expect(lines[0]).to.equal(`session ${summary.sessionId}: 30 file(s) still failing after their chunk's last attempt`);
      expect(lines.slice(1).map((l) => l.split(/\s+/)[2])).to.deep.equal(expected);
      const json = await runCliLikeCron(['history', '--failed-files', summary.sessionId, '--config', file, '--json'], { cwd: dir, env });
      const doc = JSON.parse(json.stdout) as { total: number; files: { path: string; severity: string; attempts: number }[] };
      expect(doc.total).to.equal(30);
      expect(doc.files.map((f) => f.path)).to.deep.equal(expected);
      expect(doc.files.every((f) => f.severity === 'Error' && f.attempts === 3)).to.equal(true);
      const bad = await runCliLikeCron(['history', '--failed-files', 'no-such-session', '--config', file], { cwd: dir, env });
      expect(bad.code).to.equal(2);
      expect(bad.stderr).to.contain('--failed-files no-such-session: no such session');
      expectNoStack(bad.stderr);

      // The text summary: the first 20, then how many more and where they are.
      const plain = await runCliLikeCron(['run', '--config', file, '--all', '--no-resume'], { cwd: dir, env });
      expect(plain.stdout).to.contain('30 file(s) still failing after the last attempt:').and.to.contain('... and 10 more (robocurse history --failed-files)');
      expect(plain.stdout.match(/^ {6}FAILED docs\/lock/gm)).to.have.length(20);

      const [mail] = await smtp.waitForMessages(1);
      const att = mail.attachments.find((a) => a.filename === 'failed-files.csv')!;
      const csv = att.content.toString('utf8').replace(/^\ufeff/, '').trimEnd().split('\r\n');
      const fileRows = csv.slice(1).filter((l) => l.includes('"docs/lock'));
      expect(fileRows.map((l) => /"(docs\/lock\d+\.txt)"/.exec(l)![1])).to.deep.equal(expected);
      expect(fileRows[0]).to.match(/"32","The process cannot access the file because it is being used by another process\.","Error"$/);
    } finally {
      await smtp.stop();
    }
  });

  it('a failedFilesSeverity typo is a config error (exit 2) naming the key; nothing runs', async () => {
    tree();
    const file = writeConfig(dir, { data: profile('native', { failedFilesSeverity: 'warn' }) });
    const before = hashTree(path.join(dir, 'dst'));
    const r = await runCliLikeCron(['run', '--config', file, '--all', '--json'], { cwd: dir, env: testEnv(dir) });
    expect(r.code).to.equal(2);
    expect(r.stderr).to.contain('profiles.data.failedFilesSeverity: expected one of "error", "warning", got string "warn"');
    expectNoStack(r.stderr);
    expect(hashTree(path.join(dir, 'dst'))).to.equal(before);
  });

  describe('native and rsync: a file nobody can read, the run as nobody', () => {
    const reason = needsRootReason();
    // Why skipped: acting as another user needs root (runuser); this machine and CI run as root.
    before(function () { if (reason) this.skip(); });

    /** The tree owned by nobody, except the locked file: root's, mode 000. */
    function unreadable(): void {
      tree();
      fs.writeFileSync(path.join(dir, 'victim', 'keep.txt'), 'untouched');
      for (const p of ['src', 'dst']) fs.chownSync(path.join(dir, p), NOBODY.uid, NOBODY.gid);
      const chownTree = (p: string): void => {
        fs.lchownSync(p, NOBODY.uid, NOBODY.gid);
        if (fs.lstatSync(p).isDirectory()) for (const n of fs.readdirSync(p)) chownTree(path.join(p, n));
      };
      chownTree(path.join(dir, 'src'));
      chownTree(path.join(dir, 'dst'));
      fs.chownSync(dir, NOBODY.uid, NOBODY.gid);
      const locked = path.join(dir, 'src', 'docs', 'locked.db');
      fs.chownSync(locked, 0, 0);
      fs.chmodSync(locked, 0o000);
    }

    for (const engine of ['native', 'rsync'] as const) {
      it(`${engine}: one full attempt plus file-only retries, the file listed; exit 1, and 0 with failedFilesSeverity "warning"`, async () => {
        unreadable();
        const { r, p } = await lockedRun(engine, {}, {}, NOBODY.name);
        expect(r.code, r.stderr).to.equal(1);
        expect(p.failedFiles![0].error).to.match(/EACCES|Permission denied/);
        if (engine === 'rsync') {
          // The list of a file-only attempt lies beside its log, NUL-separated, never in the destination.
          const chunks = path.join(dir, 'logs', (r.summary as unknown as Summary).sessionId, 'chunks');
          const lists = fs.readdirSync(chunks).filter((f) => f.endsWith('.files'));
          expect(lists).to.have.length(2);
          expect(fs.readFileSync(path.join(chunks, lists[0]), 'utf8')).to.equal('docs/locked.db\0');
        }
        freshDestination(NOBODY);
        const warned = await lockedRun(engine, { failedFilesSeverity: 'warning' }, {}, NOBODY.name);
        expect(warned.r.code, warned.r.stderr).to.equal(0);
        expect(warned.summary.outcome).to.equal('Warning');
        expect(warned.p.failedFiles![0].severity).to.equal('Warning');
      });
    }
  });
});
