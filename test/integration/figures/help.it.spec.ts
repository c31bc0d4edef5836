import { expect } from 'chai';
import { commandName, COMMANDS, MAX_EXAMPLE_CHARS } from '../../../src/cli/command-table';
import { runCliLikeCron } from '../../helpers/cli-child';

/** Runs `f` over `items`, `n` at a time (a few CLI children at once on a shared machine). */
async function inBatches<T, R>(items: readonly T[], n: number, f: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += n) out.push(...await Promise.all(items.slice(i, i + n).map(f)));
  return out;
}

/**
 * The help the CLI prints, checked against the command table (src/cli/command-table.ts): every
 * command is listed by a bare `robocurse` and by `--help`, each command's `--help` shows its
 * usage with exactly the positionals it takes and its examples, and every flag an example uses
 * is one the command's help lists.
 */
describe('figures: help matches the command table (CLI)', function () {
  this.timeout(180_000);

  it('every command has two or three examples, each starting with robocurse <name>', () => {
    for (const c of COMMANDS) {
      expect(c.examples.length, c.usage).to.be.within(2, 3);
      for (const [line] of c.examples) {
        expect(line.startsWith(`robocurse ${commandName(c)} `) || line === `robocurse ${commandName(c)}`, line).to.equal(true);
        expect(line.length, line).to.be.at.most(MAX_EXAMPLE_CHARS);
      }
    }
  });

  it('a bare robocurse and robocurse --help list every command', async () => {
    const bare = await runCliLikeCron([]);
    expect(bare.code).to.equal(2);
    const help = await runCliLikeCron(['--help']);
    expect(help.code).to.equal(0);
    for (const c of COMMANDS) {
      expect(bare.stderr, `bare robocurse lists ${commandName(c)}`).to.match(new RegExp(`[:,] ${commandName(c)}[ ,(]`));
      expect(help.stdout, `--help lists ${c.usage}`).to.contain(`robocurse ${c.usage}`);
    }
  });

  it('a mistyped command with --help or --version is a usage error naming the word (exit 2), not the top help or the version with exit 0', async () => {
    for (const args of [['stauts', '--help'], ['runn', '-h'], ['valdate', '--config', 'x.json', '--help'], ['bad\u001b[2Jword', '--help'], ['nosuch', '--version']]) {
      const r = await runCliLikeCron(args);
      expect(r.code, args.join(' ')).to.equal(2);
      expect(r.stdout, args.join(' ')).to.equal('');
      expect(r.stderr, args.join(' ')).to.contain(`robocurse: unknown command ${JSON.stringify(args[0])}: the commands are ${COMMANDS.map(commandName).join(', ')}\n`);
      expect(r.stderr, 'no raw control character reaches the terminal').not.to.contain('\u001b');
    }
    // Options first: yargs judges the line as before (a known command's help still works).
    const known = await runCliLikeCron(['--config', 'x.json', 'status', '--help']);
    expect(known.code, known.stderr).to.equal(0);
    expect(known.stdout).to.contain('robocurse status');
    // yargs' own `help` word is no typo: `robocurse help --help` prints the top help as `robocurse help` does.
    const help = await runCliLikeCron(['help', '--help']);
    expect(help.code, help.stderr).to.equal(0);
    expect(help.stdout).to.contain('robocurse <command> [options]');
    // A known command's --version is still the version.
    const version = await runCliLikeCron(['status', '--version']);
    expect(version.code, version.stderr).to.equal(0);
    expect(version.stdout).to.match(/^\d+\.\d+\.\d+\n$/);
  });

  it("each command's --help: its usage and positionals, its examples, and only flags it has", async () => {
    const results = await inBatches(COMMANDS, 4, async (c) => ({ c, r: await runCliLikeCron([commandName(c), '--help']) }));
    for (const { c, r } of results) {
      expect(r.code, `${c.usage}: ${r.stderr}`).to.equal(0);
      const usageLine = r.stdout.split('\n').find((l) => l.startsWith('robocurse '))!;
      expect(usageLine, c.usage).to.match(new RegExp(`^robocurse ${c.usage.replace(/[[\]]/g, '\\$&')}(\\s|$)`));
      // Positionals are exactly the table's: pause, stop etc. take none (no stray <value>).
      const positionals = usageLine.match(/<[^>]+>|\[[^\]]+\]/g) ?? [];
      expect(positionals.filter((p) => p !== '[options]'), c.usage).to.deep.equal(c.usage.split(' ').slice(1));
      expect(r.stdout).to.contain('Examples:');
      for (const [line, what] of c.examples) {
        expect(r.stdout, `${c.usage}: example ${line}`).to.contain(`\n  ${line}\n`);
        expect(r.stdout.replace(/\s+/g, ' '), `${c.usage}: description of ${line}`).to.contain(what);
        for (const flag of line.match(/ --?[a-z][\w-]*/g) ?? []) {
          expect(r.stdout, `${c.usage}: ${line} uses ${flag.trim()}, which its help does not list`).to.match(new RegExp(`${flag.trim().replace(/^--no-/, '--')}[ ,\\]]`));
        }
      }
    }
  });
});
