import { expect } from 'chai';
import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { packageRoot } from '../../../src/paths';
import { fsPath } from '../../../src/fs/byte-names';
import { rsyncDifferences, runCliLikeCron } from '../../helpers/cli-child';
import { runCli } from '../../helpers/run-cli';
import { makeTree, removeTemp, tempDir, type TreeSpec } from '../../helpers/make-tree';

/**
 * Names are bytes on POSIX. In these specs a name that is not UTF-8 is written surrogate-escaped
 * (src/fs/byte-names): 'caf\udce9' is the Latin-1 name caf<0xE9>, '\udcff' the lone byte 0xFF.
 * robocurse shows them as `\xE9`, `\xFF`; U+FFFD anywhere in its output or state means a name was
 * mangled on the way.
 */
const TREE: TreeSpec = {
  // Root files: the root is split (a files-only chunk and the finalize pass), since a file's
  // name never stops a split; only a subdirectory's does.
  'caf\udce9.txt': 'latin-1 file name',
  '\udcff': 'a name that is one byte, 0xFF',
  'Case.txt': 'upper', 'case.txt': 'lower',
  'readme with spaces.txt': 'hello\n', 'naïve café.txt': 'unicode', 'ünïcödé — 日本語.txt': 'more unicode',
  '-leading-dash.txt': 'dash', 'name with spaces & $(touch pwned) `x` ;|.txt': 'not a command',
  '[a].txt': 'brackets', '.dot': 'hidden', 'back\\slash.txt': 'a backslash is a name character on POSIX',
  'pile \u{1F4A9}.txt': 'an astral character whose low surrogate lies in the escape range',
  zero: '', big: 200_000,
  latin: {
    // A directory with such a name, holding files and subdirectories: its parent is kept whole as
    // one chunk (no chunk root carries the name), the engine copies the bytes below.
    'd\udcfcr': { 'f\udce9': 'in a latin-1 dir', plain: 'p', 'sub\udcff': { 'x.txt': 'x', deeper: { 'y\udce4': 'y' } }, empty: {} },
    'plain.txt': 'plain',
  },
  Dir: { 'a.txt': 'A' }, dir: { 'b.txt': 'b' },
  '日本語': { 'ファイル.txt': 'ja' }, 'x y z': { 'a b.txt': 'spaces' }, 'sp ace': { 'ü.txt': 'x' },
  nested: { deeper: { deepest: { 'leaf.txt': 'leaf' } } }, 'empty dir': {},
};

/** Extras in the destination a mirror must remove: at the root (finalize pass) and inside a chunk. */
const EXTRAS: TreeSpec = { 'stale\udcfe.txt': 'gone', latin: { 'd\udcfcr': { 'old\udce9': 'gone too' } }, 'Stale Dir\udce9': { f: 'x' } };

const FAKE_ROBOCOPY = path.join(packageRoot(), 'test', 'fixtures', 'fake-robocopy', 'robocopy');

const ENGINES: Record<string, Record<string, unknown>> = {
  native: { engine: 'native' },
  rsync: { engine: 'rsync' },
  robocopy: { engine: 'robocopy', engineOptions: { robocopy: { executable: FAKE_ROBOCOPY, switches: ['/COPY:DAT'] } } },
};

function writeConfig(dir: string, profile: Record<string, unknown>): string {
  const file = path.join(dir, 'robocurse.json');
  fs.writeFileSync(file, JSON.stringify({
    version: 1, global: { logDir: 'logs', stateDir: 'state' },
    profiles: { odd: { source: 'src', destination: 'dst', mirror: true, chunking: { maxChunkFiles: 4 }, retry: { maxAttempts: 1 }, ...profile } },
  }, null, 2));
  return file;
}

/** Everything robocurse wrote for people or programs: stdout, stderr, session logs, the state database. */
function stateDump(dir: string): string {
  const db = new Database(path.join(dir, 'state', 'robocurse.db'), { readonly: true });
  try {
    const rows = [
      ...db.prepare('SELECT rel_path, source, destination, last_error FROM chunks').all(),
      ...db.prepare('SELECT json FROM events').all(),
    ];
    return JSON.stringify(rows);
  } finally {
    db.close();
  }
}

function sessionLogs(dir: string): string {
  const logs = path.join(dir, 'logs');
  return fs.readdirSync(logs).filter((f) => f.endsWith('.log')).map((f) => fs.readFileSync(path.join(logs, f), 'utf8')).join('\n');
}

describe('names that are not UTF-8 and other odd names, replicated exactly by every engine (CLI like cron)', function () {
  this.timeout(120_000);
  let dir: string;
  beforeEach(() => { dir = tempDir('robocurse-names-'); });
  afterEach(() => removeTemp(dir));

  for (const [engine, settings] of Object.entries(ENGINES)) {
    it(`${engine}: the replica is exact (rsync -rlcn finds nothing), a re-run copies nothing, names are shown escaped`, async () => {
      makeTree(path.join(dir, 'src'), TREE);
      makeTree(path.join(dir, 'dst'), EXTRAS);
      const file = writeConfig(dir, settings);

      const plan = await runCliLikeCron(['plan', '--config', file, '--all'], { cwd: dir });
      expect(plan.code, plan.stderr).to.equal(0);
      expect(plan.stdout).to.match(/\n\s+\d+ .* tree\s+latin\n/).and.not.contain('\ufffd');

      const first = await runCliLikeCron(['run', '--config', file, '--all'], { cwd: dir });
      expect(first.code, first.stderr + first.stdout).to.equal(0);
      expect(first.stdout).to.match(/odd: Success/);
      expect(rsyncDifferences(path.join(dir, 'src'), path.join(dir, 'dst')), 'rsync -rlcn --delete src/ dst/').to.deep.equal([]);
      expect(fs.existsSync(fsPath(path.join(dir, 'dst', 'stale\udcfe.txt'))), 'the extra at the root (finalize pass) is gone').to.equal(false);
      expect(fs.existsSync(path.join(dir, 'pwned')) || fs.existsSync(path.join(packageRoot(), 'pwned'))).to.equal(false);

      const again = await runCliLikeCron(['run', '--config', file, '--all', '--json'], { cwd: dir });
      expect(again.code, again.stderr).to.equal(0);
      expect(again.summary, again.stdout).to.not.equal(undefined);
      const profile = (again.summary!.profiles as Array<Record<string, number>>)[0];
      expect(profile.filesCopied, 'a re-run copies nothing').to.equal(0);
      expect(profile.extrasRemoved).to.equal(0);

      const status = await runCliLikeCron(['status', '--config', file], { cwd: dir });
      // One JSON document each, read whole.
      const statusJson = await runCli(['status', '--config', file, '--json'], { cwd: dir, env: { TERM: 'dumb' } });
      const history = await runCliLikeCron(['history', '--config', file], { cwd: dir });
      const historyJson = await runCli(['history', '--config', file, '--json'], { cwd: dir, env: { TERM: 'dumb' } });
      expect([status.code, statusJson.code, history.code, historyJson.code]).to.deep.equal([0, 0, 0, 0]);
      expect(JSON.parse(statusJson.stdout).session.state).to.equal('ended');
      expect(JSON.parse(historyJson.stdout).runs).to.have.length(2);
      const everything = [first.stdout, first.stderr, again.stdout, again.stderr, plan.stdout, status.stdout, statusJson.stdout,
        history.stdout, historyJson.stdout, sessionLogs(dir), stateDump(dir)].join('\n');
      expect(everything.includes('\ufffd'), 'U+FFFD in output, logs or state').to.equal(false);
      // Removed by the finalize pass (files-only chunks leave directories alone), and logged as such.
      expect(sessionLogs(dir)).to.contain('Stale Dir\\\\xE9');
    });
  }

  for (const engine of ['native', 'rsync']) {
    it(`${engine}: a failure on such a name names the file exactly (\\xNN) in the summary, the state database and status`, async () => {
      // A non-empty directory in the destination where the source has the Latin-1 file (no mirror,
      // so no engine may remove it): that one file fails, on every attempt.
      makeTree(path.join(dir, 'src'), { 'caf\udce9.txt': 'file', ok: { 'a.txt': 'a' }, more: { 'b.txt': 'b' } });
      makeTree(path.join(dir, 'dst'), { 'caf\udce9.txt': { 'blocker.txt': 'a directory in the way' } });
      const file = writeConfig(dir, { ...ENGINES[engine], mirror: false, chunking: { maxChunkFiles: 1 } });
      const r = await runCliLikeCron(['run', '--config', file, '--all', '--json'], { cwd: dir });
      expect(r.code, r.stderr + r.stdout).to.equal(1);
      const failed = JSON.stringify((r.summary!.profiles as Array<Record<string, unknown>>)[0].failedChunks);
      expect(failed).to.contain('caf\\\\xE9.txt');
      const status = await runCliLikeCron(['status', '--config', file], { cwd: dir });
      expect(status.stdout).to.match(/failed: .*caf\\xE9\.txt/);
      const statusJson = await runCli(['status', '--config', file, '--json'], { cwd: dir, env: { TERM: 'dumb' } });
      expect(JSON.stringify(JSON.parse(statusJson.stdout).session.profiles[0].failed)).to.contain('caf\\\\xE9.txt');
      expect(stateDump(dir)).to.contain('caf\\\\xE9.txt');
      const everything = [r.stdout, r.stderr, status.stdout, sessionLogs(dir), stateDump(dir)].join('\n');
      expect(everything.includes('\ufffd'), 'U+FFFD in output, logs or state').to.equal(false);
      expect(fs.readFileSync(path.join(dir, 'dst', 'ok', 'a.txt'), 'utf8')).to.equal('a');
    });
  }
});
