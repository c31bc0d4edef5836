import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { HELP_FILE, printStaticHelp, staticHelpKey, type HelpOut } from '../../../src/cli/static-help';
import { EXIT } from '../../../src/cli/exit-codes';
import { removeTemp, tempDir } from '../../helpers/make-tree';

describe('static help (src/cli/static-help.ts)', () => {
  it('takes only the exact command lines whose output is static', () => {
    expect(staticHelpKey(['--help'])).to.equal('');
    expect(staticHelpKey(['-h'])).to.equal('');
    expect(staticHelpKey(['--version'])).to.equal('--version');
    expect(staticHelpKey(['run', '--help'])).to.equal('run');
    expect(staticHelpKey(['set-bandwidth', '-h'])).to.equal('set-bandwidth');
    for (const argv of [[], ['run'], ['--help', '--json'], ['--json', '--help'], ['run', '--help', '--all'], ['--config', '--help'], ['Run', '--help'], ['run', '--version'], ['../x', '--help']]) {
      expect(staticHelpKey(argv), argv.join(' ')).to.equal(undefined);
    }
  });

  describe('printStaticHelp', () => {
    let dir: string;
    const id = 'a'.repeat(32);
    const write = (helpFile: string | undefined, bundleId = id): void => {
      fs.writeFileSync(path.join(dir, 'cli-bundle.js'), `// robocurse-cli-bundle ${bundleId}\nmodule.exports = {};\n`);
      fs.rmSync(path.join(dir, HELP_FILE), { force: true });
      if (helpFile !== undefined) fs.writeFileSync(path.join(dir, HELP_FILE), helpFile);
    };
    const out = (tty?: { columns?: number }): HelpOut & { text: string } => {
      const o = { text: '', isTTY: tty !== undefined, columns: tty?.columns, write(t: string) { o.text += t; return true; } };
      return o;
    };
    beforeEach(() => { dir = tempDir('robocurse-static-help-'); });
    afterEach(() => removeTemp(dir));

    it('prints the stored text of the build beside it, to a pipe or a terminal of 100 columns or more', () => {
      write(JSON.stringify({ bundle: id, texts: { '': 'top help\n', run: 'run help\n', '--version': '1.2.3\n' } }));
      for (const [argv, text] of [[['--help'], 'top help\n'], [['run', '-h'], 'run help\n'], [['--version'], '1.2.3\n']] as const) {
        const o = out();
        expect(printStaticHelp(argv, dir, o), argv.join(' ')).to.equal(true);
        expect(o.text).to.equal(text);
      }
      const wide = out({ columns: 120 });
      expect(printStaticHelp(['--help'], dir, wide)).to.equal(true);
      expect(wide.text).to.equal('top help\n');
    });

    it('tells a failed write in one line with exit code 4, and takes a reader that went away (EPIPE, EIO) as no error', () => {
      write(JSON.stringify({ bundle: id, texts: { '': 'top help\n' } }));
      const told: Array<[string, number]> = [];
      const failing = (code: string): HelpOut => ({ write() { throw Object.assign(new Error(`${code}: it failed, write`), { code }); } });
      expect(printStaticHelp(['--help'], dir, failing('ENOSPC'), (m, c) => told.push([m, c]))).to.equal(true);
      expect(told).to.deep.equal([['robocurse: cannot write to stdout: ENOSPC: it failed, write\n', EXIT.Fatal]]);
      for (const code of ['EPIPE', 'EIO']) {
        told.length = 0;
        expect(printStaticHelp(['--help'], dir, failing(code), (m, c) => told.push([m, c]))).to.equal(true);
        expect(told, code).to.deep.equal([]);
      }
    });

    it('leaves it to the parser (printing nothing) for a narrow terminal, an unknown command, another build, a missing or broken file', () => {
      const good = JSON.stringify({ bundle: id, texts: { '': 'top help\n' } });
      const cases: Array<[string, string | undefined, string, readonly string[], { columns?: number } | undefined]> = [
        ['narrow terminal', good, id, ['--help'], { columns: 80 }],
        ['terminal without a width', good, id, ['--help'], {}],
        ['command without a text', good, id, ['nosuch', '--help'], undefined],
        ['inherited key', good, id, ['constructor', '--help'], undefined],
        ['another build', good, 'b'.repeat(32), ['--help'], undefined],
        ['no file', undefined, id, ['--help'], undefined],
        ['not JSON', '{"bundle":', id, ['--help'], undefined],
        ['text not a string', JSON.stringify({ bundle: id, texts: { '': 42 } }), id, ['--help'], undefined],
        ['no build id', JSON.stringify({ texts: { '': 'x' } }), id, ['--help'], undefined],
      ];
      for (const [what, file, bundleId, argv, tty] of cases) {
        write(file, bundleId);
        const o = out(tty);
        expect(printStaticHelp(argv, dir, o), what).to.equal(false);
        expect(o.text, what).to.equal('');
      }
    });
  });
});
