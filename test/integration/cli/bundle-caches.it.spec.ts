import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CACHE_KINDS } from '../../../src/cli/bundle-loader';
import { HELP_FILE } from '../../../src/cli/static-help';
import { packageRoot } from '../../../src/paths';
import { diffTrees, makeTree, removeTemp, tempDir } from '../../helpers/make-tree';
import { packageCopy, runPackageCli } from '../../helpers/package-copy';

/**
 * The CLI's code caches (dist/src/cli/cli-bundle.<kind>.cache) only make a start faster: without
 * them, or with caches of another build or garbage, the same bundle runs and does the same
 * work. Checked on a copy of the package (test/helpers/package-copy.ts) whose caches each case
 * replaces, run the way cron runs it.
 */
describe('CLI bundle: a run is the same with its code caches missing, stale or garbage (real CLI, like cron)', function () {
  this.timeout(180_000);
  const root = packageRoot();
  let dir: string;
  let pkg: string;
  before(() => {
    dir = tempDir('robocurse-caches-');
    // Without the static help texts too: `--help` goes through the bundle and its cache.
    pkg = packageCopy(dir, (name) => name.endsWith('.cache') || name === HELP_FILE);
  });
  after(() => { if (dir) removeTemp(dir); });

  const cacheFile = (kind: string): string => path.join(pkg, 'dist', 'src', 'cli', `cli-bundle.${kind}.cache`);
  const setCaches = (make: (kind: string) => Buffer | undefined): void => {
    for (const kind of CACHE_KINDS) {
      fs.rmSync(cacheFile(kind), { force: true });
      const data = make(kind);
      if (data) fs.writeFileSync(cacheFile(kind), data);
    }
  };
  const cli = (args: string[], cwd: string): { code: number | null; stdout: string; stderr: string } => runPackageCli(pkg, args, cwd);

  const realCache = (kind: string): Buffer => fs.readFileSync(path.join(root, 'dist', 'src', 'cli', `cli-bundle.${kind}.cache`));
  const headerLength = (data: Buffer): number => data.indexOf(0x0a) + 1;
  const variants: Array<[string, (kind: string) => Buffer | undefined]> = [
    ['missing', () => undefined],
    // Another build's caches (their first line names another build): never offered to V8.
    ['of another build', (kind) => Buffer.concat([Buffer.from('robocurse-cli-cache 00000000000000000000000000000000\n'), realCache(kind).subarray(headerLength(realCache(kind)))])],
    // This build's first line, then bytes V8 rejects.
    ['garbage after the right header', (kind) => Buffer.concat([realCache(kind).subarray(0, headerLength(realCache(kind))), Buffer.alloc(4096, 0x5a)])],
  ];
  it('the bundle is ASCII only: the loader reads it as Latin-1, and V8 keeps it as a one-byte string', () => {
    const bytes = fs.readFileSync(path.join(root, 'dist', 'src', 'cli', 'cli-bundle.js'));
    const wide = bytes.findIndex((b) => b > 0x7f);
    expect(wide, wide < 0 ? '' : bytes.subarray(Math.max(0, wide - 60), wide + 20).toString('utf8')).to.equal(-1);
  });

  for (const [what, make] of variants) {
    it(`caches ${what}: --help, validate and a --json run give the same exit codes and results`, () => {
      setCaches(make);
      const work = path.join(dir, what.replace(/\W+/g, '-'));
      makeTree(path.join(work, 'src'), { a: { 'one.txt': '1', b: { 'two.txt': '22' } }, 'three.txt': '333' });
      fs.writeFileSync(path.join(work, 'robocurse.json'), JSON.stringify({ version: 1, global: { logDir: 'logs', stateDir: 'state' }, profiles: { p: { source: 'src', destination: 'dst' } } }));
      const help = cli(['--help'], work);
      expect(help.code, help.stderr).to.equal(0);
      expect(help.stdout).to.contain('robocurse <command> [options]');
      const bad = cli(['validate', '--config', 'robocurse.json', '--bogus'], work);
      expect(bad.code).to.equal(2);
      expect(bad.stderr).to.contain('Unknown argument: bogus');
      const ok = cli(['validate', '--config', 'robocurse.json'], work);
      expect(ok.code, ok.stderr).to.equal(0);
      const run = cli(['run', '--config', 'robocurse.json', '--all', '--json'], work);
      expect(run.code, run.stderr).to.equal(0);
      const summary = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; outcome?: string; profiles?: Array<{ filesCopied: number }> }).find((l) => l.type === 'summary');
      expect(summary?.outcome).to.equal('Success');
      expect(summary?.profiles?.[0].filesCopied).to.equal(3);
      expect(diffTrees(path.join(work, 'src'), path.join(work, 'dst'))).to.deep.equal([]);
      // Nothing beside the tree, the state and the logs.
      expect(fs.readdirSync(work).sort()).to.deep.equal(['dst', 'logs', 'robocurse.json', 'src', 'state']);
    });
  }
});
