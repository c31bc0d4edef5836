import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { main } from '../../../src/cli/main';
import { commandName, COMMANDS } from '../../../src/cli/command-table';
import { HELP_FILE } from '../../../src/cli/static-help';
import { packageRoot } from '../../../src/paths';
import { captureIo } from '../../helpers/capture-io';
import { removeTemp, tempDir } from '../../helpers/make-tree';
import { packageCopy, runPackageCli } from '../../helpers/package-copy';

/**
 * `--help`, `CMD --help` and `--version` print text the build stored (dist/src/cli/cli-help.json)
 * without loading the bundle (issue #17: `--help` ≤ 1.3× `node -e 0`). Each text must be exactly
 * what the parser prints, from any directory, and a missing, stale or broken file
 * must change nothing but the time. Run the way cron runs it: no terminal.
 */
describe('static help: --help and --version without the bundle (real CLI, like cron)', function () {
  this.timeout(120_000);
  const root = packageRoot();
  const lines: string[][] = [['--help'], ['-h'], ['--version'], ...COMMANDS.map((c) => [commandName(c), '--help']), ['run', '-h']];
  let dir: string;
  before(() => { dir = tempDir('robocurse-static-help-'); });
  after(() => { if (dir) removeTemp(dir); });

  /** What the parser itself prints for `argv` (main() in this process, stdout not a terminal). */
  const parserOutput = async (argv: string[]): Promise<string> => {
    const cap = captureIo(dir);
    expect(await main(argv, cap.io), argv.join(' ')).to.equal(0);
    expect(cap.stderr()).to.equal('');
    return cap.stdout();
  };

  it('holds a text for --help, --version and every command, each equal to what the parser prints, run from another directory', async () => {
    const stored = JSON.parse(fs.readFileSync(path.join(root, 'dist', 'src', 'cli', HELP_FILE), 'utf8')) as { texts: Record<string, string> };
    expect(Object.keys(stored.texts).sort()).to.deep.equal(['', '--version', ...COMMANDS.map(commandName)].sort());
    const cwd = path.join(dir, 'elsewhere');
    fs.mkdirSync(cwd);
    for (const argv of lines) {
      const r = runPackageCli(root, argv, cwd);
      expect(r.code, `${argv.join(' ')}: ${r.stderr}`).to.equal(0);
      expect(r.stderr).to.equal('');
      expect(r.stdout, argv.join(' ')).to.equal(await parserOutput(argv));
    }
    expect(fs.readdirSync(cwd)).to.deep.equal([]);
  });

  it('does not load the bundle for them: a bundle that throws when loaded still gives the help, and only the help', () => {
    const pkg = packageCopy(path.join(dir, 'throwing'), (name) => name === 'cli-bundle.js');
    const real = fs.readFileSync(path.join(root, 'dist', 'src', 'cli', 'cli-bundle.js'), 'utf8');
    const firstLine = real.slice(0, real.indexOf('\n') + 1);
    fs.writeFileSync(path.join(pkg, 'dist', 'src', 'cli', 'cli-bundle.js'), `${firstLine}throw new Error('bundle loaded');\n`);
    const cwd = path.join(dir, 'throwing', 'work');
    fs.mkdirSync(cwd);
    for (const argv of [['--help'], ['run', '--help'], ['--version']]) {
      const r = runPackageCli(pkg, argv, cwd);
      expect(r.code, argv.join(' ')).to.equal(0);
      expect(r.stdout).to.not.equal('');
      expect(r.stderr).to.equal('');
    }
    // Anything else loads it (and here fails loudly): the help path is the only one that skips it.
    const other = runPackageCli(pkg, ['--help', '--json'], cwd);
    expect(other.code).to.not.equal(0);
    expect(other.stderr).to.contain('bundle loaded');
  });

  const spoilt: Array<[string, (file: string, real: string) => void]> = [
    ['missing', () => undefined],
    ['of another build', (file, real) => fs.writeFileSync(file, real.replace(/"bundle":"[0-9a-f]+"/, `"bundle":"${'0'.repeat(32)}"`))],
    ['cut short', (file, real) => fs.writeFileSync(file, real.slice(0, 100))],
  ];
  for (const [what, make] of spoilt) {
    it(`with the stored texts ${what}, --help, run --help and --version print the same through the parser`, async () => {
      const base = path.join(dir, what.replace(/\W+/g, '-'));
      const pkg = packageCopy(base, (name) => name === HELP_FILE);
      make(path.join(pkg, 'dist', 'src', 'cli', HELP_FILE), fs.readFileSync(path.join(root, 'dist', 'src', 'cli', HELP_FILE), 'utf8'));
      const cwd = path.join(base, 'work');
      fs.mkdirSync(cwd);
      for (const argv of [['--help'], ['run', '--help'], ['--version']]) {
        const r = runPackageCli(pkg, argv, cwd);
        expect(r.code, `${argv.join(' ')}: ${r.stderr}`).to.equal(0);
        expect(r.stderr).to.equal('');
        expect(r.stdout, argv.join(' ')).to.equal(await parserOutput(argv));
      }
    });
  }

  it('on a full disk (stdout to /dev/full) exits 4 with one line naming stdout, no stack trace', function () {
    // Not a Linux-like /dev: nothing to fill.
    if (!fs.existsSync('/dev/full')) this.skip();
    for (const argv of [['--help'], ['run', '--help']]) {
      const full = fs.openSync('/dev/full', 'w');
      try {
        const r = spawnSync(process.execPath, [path.join(root, 'bin', 'robocurse.js'), ...argv], { stdio: ['ignore', full, 'pipe'], encoding: 'utf8' });
        expect(r.status, argv.join(' ')).to.equal(4);
        expect(r.stderr).to.match(/^robocurse: cannot write to stdout: ENOSPC[^\n]*\n$/);
      } finally {
        fs.closeSync(full);
      }
    }
  });

  it('exits 0 without a word on stderr when the reader closed the pipe first (`robocurse --help | head -0`)', async () => {
    for (const argv of [['--help'], ['--version']]) {
      const child = spawn(process.execPath, [path.join(root, 'bin', 'robocurse.js'), ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout.destroy();
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
      const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
      expect(code, argv.join(' ')).to.equal(0);
      expect(stderr).to.equal('');
    }
  });
});
