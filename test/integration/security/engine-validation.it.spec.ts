import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { packageRoot } from '../../../src/paths';
import { hashTree, rsyncDifferences, runCliLikeCron } from '../../helpers/cli-child';
import { makeTree, removeTemp, tempDir } from '../../helpers/make-tree';

const FAKE_ROBOCOPY = path.join(packageRoot(), 'test', 'fixtures', 'fake-robocopy', 'robocopy');

/**
 * Issue #14, items 3, 4 and 7: whatever an engine would refuse (or misread) at run time is refused
 * by `validate` and by `run` before anything starts (exit 2, naming the key), and what robocopy
 * can take (`&`, `%`, `^`, started without cmd.exe) is not refused at all.
 */
describe('engine rules owned by validation (security, real processes)', function () {
  this.timeout(120_000);
  let dir: string;
  let argvFile: string;

  beforeEach(() => {
    dir = tempDir('robocurse-engval-');
    argvFile = path.join(dir, 'robocopy-argv.json');
    makeTree(path.join(dir, 'src'), { 'R&D': { 'plan 100%.txt': 'p', 'a^b': { 'c.bin': 70_000 } }, 'x&y%z^.tmp': 'excluded', 'keep.txt': 'k', MOVE: 'm' });
  });
  afterEach(() => removeTemp(dir));

  function config(profile: Record<string, unknown>): string {
    const file = path.join(dir, 'robocurse.json');
    fs.writeFileSync(file, JSON.stringify({ version: 1, global: { stateDir: 'state', logDir: 'logs' }, profiles: { docs: { source: 'src', destination: 'dst', ...profile } } }));
    return file;
  }
  const env = (): NodeJS.ProcessEnv => ({ ROBOCURSE_ROBOCOPY: FAKE_ROBOCOPY, FAKE_ROBOCOPY_ARGV_FILE: argvFile });

  for (const [key, value] of [['excludeFiles', '/MOVE'], ['excludeFiles', '-MOV'], ['excludeDirs', '/PURGE']] as const) {
    it(`robocopy: ${key} ${JSON.stringify(value)} is refused by validate and run (exit 2, naming the key); robocopy never starts`, async () => {
      const file = config({ engine: 'robocopy', mirror: true, [key]: ['*.bak', value] });
      const source = hashTree(path.join(dir, 'src'));
      for (const cmd of [['validate'], ['run', '--all', '--json']]) {
        const r = await runCliLikeCron([...cmd, '--config', file], { env: env() });
        expect(r.code, r.stderr).to.equal(2);
        expect(r.stderr).to.include(`profiles.docs.${key}[1]: starts with '/' or '-', which robocopy would read as a switch`);
      }
      expect(fs.existsSync(argvFile), 'robocopy was started').to.equal(false);
      expect(fs.existsSync(path.join(dir, 'dst'))).to.equal(false);
      expect(hashTree(path.join(dir, 'src'))).to.equal(source);
    });
  }

  it('robocopy: a folder named R&D (and names with % and ^) copies end to end through the fake robocopy, excludes with & % ^ apply', async () => {
    const file = config({ engine: 'robocopy', excludeFiles: ['x&y%z^.tmp'], chunking: { maxChunkFiles: 1 } });
    const v = await runCliLikeCron(['validate', '--config', file], { env: env() });
    expect(v.code, v.stderr).to.equal(0);
    const r = await runCliLikeCron(['run', '--all', '--json', '--config', file], { env: env() });
    expect(r.code, r.stderr).to.equal(0);
    expect(r.summary).to.deep.include({ outcome: 'Success', exitCode: 0 });
    expect((r.summary!.profiles as { chunksFailed: number }[])[0].chunksFailed).to.equal(0);
    expect(fs.existsSync(path.join(dir, 'dst', 'x&y%z^.tmp'))).to.equal(false);
    fs.writeFileSync(path.join(dir, 'dst', 'x&y%z^.tmp'), 'excluded');
    expect(rsyncDifferences(path.join(dir, 'src'), path.join(dir, 'dst'))).to.deep.equal([]);
    expect(fs.readFileSync(path.join(dir, 'dst', 'R&D', 'plan 100%.txt'), 'utf8')).to.equal('p');
    // The last robocopy started got its arguments verbatim (no escaping added or lost).
    const argv = JSON.parse(fs.readFileSync(argvFile, 'utf8')) as string[];
    expect(argv.slice(argv.indexOf('/XF') + 1, argv.indexOf('/XF') + 2)).to.deep.equal(['x&y%z^.tmp']);
  });

  it('robocopy: characters a Windows name cannot hold are refused at validate, naming the key', async () => {
    const file = config({ engine: 'robocopy', excludeDirs: ['ok', 'a|b'], excludeFiles: ['x>y'] });
    const r = await runCliLikeCron(['validate', '--config', file], { env: env() });
    expect(r.code).to.equal(2);
    expect(r.stderr).to.include('profiles.docs.excludeDirs[1]: contains a forbidden character "|"').and.include('profiles.docs.excludeFiles[0]: contains a forbidden character ">"');
  });

  const LINK_FLAGS: (string | string[])[] = ['-L', '-aL', '-aK', '-rlptk', ['-a', '--copy-links'], ['-a', '--keep-dirlinks'], ['-a', '--copy-dirlinks'], ['-a', '--copy-unsafe-links'], '-a --copy-unsafe']
  for (const attributes of LINK_FLAGS) {
    it(`rsync: attributes ${JSON.stringify(attributes)} (follows links) is refused at validate and run, naming the key`, async () => {
      fs.symlinkSync('/etc', path.join(dir, 'src', 'etc-link'));
      const file = config({ engine: 'rsync', engineOptions: { rsync: { attributes } } });
      for (const cmd of [['validate'], ['run', '--all']]) {
        const r = await runCliLikeCron([...cmd, '--config', file]);
        expect(r.code, r.stderr).to.equal(2);
        expect(r.stderr).to.include('profiles.docs.engineOptions.rsync.attributes:').and.include('follow symbolic links');
      }
      expect(fs.existsSync(path.join(dir, 'dst'))).to.equal(false);
    });
  }

  it('rsync: an unknown option is refused at validate, not when every chunk starts', async () => {
    const file = config({ engine: 'rsync', engineOptions: { rsync: { attributes: '-a', extraArgs: ['--delete'] } } });
    const r = await runCliLikeCron(['validate', '--config', file]);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.include('profiles.docs.engineOptions.rsync.extraArgs');
  });

  it('rsync: allowed attributes still run, and a link in the source is copied as a link', async () => {
    fs.symlinkSync('/etc', path.join(dir, 'src', 'etc-link'));
    const file = config({ engine: 'rsync', engineOptions: { rsync: { attributes: ['-rlpt', '--numeric-ids'], timeoutSeconds: 60 } } });
    const r = await runCliLikeCron(['run', '--all', '--json', '--config', file]);
    expect(r.code, r.stderr).to.equal(0);
    expect(fs.readlinkSync(path.join(dir, 'dst', 'etc-link'))).to.equal('/etc');
  });
});
