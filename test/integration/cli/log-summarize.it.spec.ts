import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { packageRoot } from '../../../src/paths';
import { runCliLikeCron } from '../../helpers/cli-child';
import { expectGolden } from '../../helpers/golden';
import { makeTree, removeTemp, tempDir } from '../../helpers/make-tree';
import { sampleLogs } from '../../helpers/robocopy-log-samples';

/** Every log fixture, by folder; the shared ones are read from shared/ beside the checkout. */
const FOLDERS: Record<string, { dir: string; pattern: RegExp }> = {
  'robocopy-logs-real': { dir: path.join(packageRoot(), 'test', 'fixtures', 'robocopy-logs-real'), pattern: /\.log$/ },
  'robocopy-logs-synthetic': { dir: path.join(packageRoot(), 'test', 'fixtures', 'robocopy-logs-synthetic'), pattern: /\.log$/ },
  rsync: { dir: path.join(packageRoot(), 'test', 'fixtures', 'rsync'), pattern: /\.txt$/ },
  'shared-robocopy-logs': { dir: path.join(packageRoot(), '..', 'shared', 'fixtures', 'robocopy-logs'), pattern: /\.log$/ },
};

/** `== name: ...` sections of the text output, by file name. */
function textSections(out: string): Map<string, string> {
  const sections = new Map<string, string>();
  for (const part of out.split(/^(?=== )/m).filter(Boolean)) sections.set(/^== (.*?): /.exec(part)![1], part);
  return sections;
}

describe('robocurse log summarize (real CLI, like cron)', function () {
  this.timeout(120_000);

  for (const [name, { dir, pattern }] of Object.entries(FOLDERS)) {
    it(`every log in ${name}: text and JSON match their golden outputs`, async () => {
      const files = fs.readdirSync(dir).filter((f) => pattern.test(f)).sort();
      expect(files.length).to.be.above(1);
      const text = await runCliLikeCron(['log', 'summarize', ...files], { cwd: dir });
      const json = await runCliLikeCron(['log', 'summarize', '--json', ...files], { cwd: dir });
      expect(json.code).to.equal(text.code);
      const sections = textSections(text.stdout);
      const logs = new Map(json.lines.filter((l) => l.type === 'log').map((l) => [l.file as string, l]));
      expect([...sections.keys()]).to.deep.equal(files);
      expect([...logs.keys()]).to.deep.equal(files);
      for (const f of files) {
        expectGolden(`log-summarize/${name}/${f}.txt`, sections.get(f)!);
        expectGolden(`log-summarize/${name}/${f}.json`, `${JSON.stringify(logs.get(f), null, 2)}\n`);
      }
      // Exit code: 2 when a file is no usable log (an empty one), else 1 when a log shows failures.
      const unusable = [...logs.values()].filter((l) => l.unusable).length;
      const failing = [...logs.values()].some((l) => (l.failed as unknown[]).length > 0 || (l.warnings as unknown[]).length > 0);
      expect(text.code).to.equal(unusable > 0 ? 2 : failing ? 1 : 0);
      expect(json.summary).to.deep.include({ files: files.length, unusable, exitCode: text.code });
      expect(text.stderr.trim().split('\n').filter(Boolean)).to.have.length(unusable);
    });
  }

  describe('--code-page', () => {
    let dir: string;
    beforeEach(() => { dir = tempDir('robocurse-logsum-cp-'); });
    afterEach(() => removeTemp(dir));

    it('reads a log in the given page where detection cannot tell (Hebrew cp1255), and refuses a page it does not know (exit 2)', async () => {
      const sample = sampleLogs().find((s) => s.name === 'he-cp1255-long')!;
      fs.writeFileSync(path.join(dir, 'he.log'), sample.bytes);
      const forced = await runCliLikeCron(['log', 'summarize', '--json', '--code-page', '1255', 'he.log'], { cwd: dir });
      expect(forced.code, forced.stderr).to.equal(0);
      const log = forced.lines.find((l) => l.type === 'log')!;
      expect(log).to.include({ tool: 'robocopy', encoding: 'cp1255' });
      expect((log.jobs as Array<{ ended: string }>)[0].ended).to.equal('יום שלישי 05 מרץ 2024 10:15:42');
      const bad = await runCliLikeCron(['log', 'summarize', '--code-page', 'klingon', 'he.log'], { cwd: dir });
      expect(bad.code).to.equal(2);
      expect(bad.stderr).to.match(/--code-page: expected a code page number/);
      expect(bad.stdout).to.equal('');
    });
  });

  describe('logs of rsync runs robocurse did not start', () => {
    let dir: string;
    beforeEach(() => {
      dir = tempDir('robocurse-logsum-');
      makeTree(dir, { src: { 'a.txt': 'a', sub: { 'b.txt': 'bb' } } });
    });
    afterEach(() => removeTemp(dir));

    it('an rsync --log-file with two runs appended (one failed), and captured --stats output of two runs', async () => {
      const log = path.join(dir, 'rsync.log');
      const rsync = (args: string[], capture?: string): number => {
        const r = spawnSync('rsync', args, { cwd: dir, encoding: 'buffer' });
        if (capture) fs.appendFileSync(capture, Buffer.concat([r.stdout, r.stderr]));
        return r.status ?? -1;
      };
      expect(rsync(['-a', `--log-file=${log}`, 'src/', 'dst/'])).to.equal(0);
      expect(rsync(['-a', `--log-file=${log}`, 'gone/', 'dst/'])).to.equal(23);
      const cap = path.join(dir, 'captured.log');
      expect(rsync(['-a', '--stats', 'src/', 'dst2/'], cap)).to.equal(0);
      fs.writeFileSync(path.join(dir, 'src', 'a.txt'), 'changed');
      expect(rsync(['-a', '--stats', '-v', 'src/', 'dst2/'], cap)).to.equal(0);

      const r = await runCliLikeCron(['log', 'summarize', '--json', 'rsync.log', 'captured.log'], { cwd: dir });
      expect(r.code, r.stderr).to.equal(1);
      const [a, b] = r.lines.filter((l) => l.type === 'log') as Array<{ tool: string; jobs: Array<Record<string, unknown>>; failed: Array<Record<string, unknown>> }>;
      expect(a.tool).to.equal('rsync');
      expect(a.jobs).to.have.length(2);
      expect(a.jobs[0]).to.deep.include({ complete: true, files: { total: 2, copied: 2, skipped: 0, mismatch: 0, failed: 0, extras: 0 } });
      expect(a.jobs[1]).to.deep.include({ exitCode: 23, failed: 1 });
      expect(a.failed).to.have.length(1);
      expect(a.failed[0]).to.deep.include({ code: 'ENOENT', job: 2 });
      expect(b.jobs.map((j) => [j.complete, (j.files as { copied: number }).copied, (j.bytes as { total: number }).total])).to.deep.equal([[true, 2, 3], [true, 1, 9]]);
      expect(b.failed).to.deep.equal([]);

      const clean = await runCliLikeCron(['log', 'summarize', 'captured.log'], { cwd: dir });
      expect(clean.code).to.equal(0);
      expect(clean.stdout).to.match(/^== captured\.log: rsync log \(names as bytes\), 2 job\(s\), 0 failed entries$/m);
    });

    it('a file that is no log, or is missing, exits 2 naming it; the others are still summarized', async () => {
      fs.writeFileSync(path.join(dir, 'notes.txt'), 'just some notes\n');
      fs.copyFileSync(path.join(packageRoot(), 'test', 'fixtures', 'rsync', 'up-to-date.stdout.txt'), path.join(dir, 'ok.log'));
      const r = await runCliLikeCron(['log', 'summarize', 'notes.txt', 'missing.log', 'ok.log'], { cwd: dir });
      expect(r.code).to.equal(2);
      expect(r.stderr).to.contain('notes.txt is neither a robocopy nor an rsync log').and.to.contain('cannot read missing.log: ENOENT');
      expect(r.stderr).to.not.match(/\n\s+at /);
      expect(r.stdout).to.match(/^== ok\.log: rsync log/m);
      const usage = await runCliLikeCron(['log', 'summarize'], { cwd: dir });
      expect(usage.code).to.equal(2);
    });
  });
});
