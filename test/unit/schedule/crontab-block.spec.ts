import { expect } from 'chai';
import * as fc from 'fast-check';
import type { BackendContext, InstalledState } from '../../../src/schedule/backend';
import { diffEntries } from '../../../src/schedule/backend';
import { CronBackend } from '../../../src/schedule/backends/cron/cron-backend';
import { beginLine, CrontabEditError, endLine, splitCrontab } from '../../../src/schedule/backends/cron/crontab-block';
import { FakeRunner } from '../../helpers/fake-runner';
import { inputFor } from './schedule-fixtures';

const ctx: BackendContext = { runner: new FakeRunner([]), scope: 'user', env: {}, zone: 'Europe/Berlin', uid: 0 };

/** What sync would install, given the crontab bytes `before` and the desired entries of `input`. */
function edit(before: Buffer, input = inputFor('daily'), desiredCount = 1): Buffer {
  const b = new CronBackend();
  const text = before.toString('latin1');
  const parts = splitCrontab(text, input.identity.hash);
  const lines = parts.block === null ? [] : Buffer.from(parts.block, 'latin1').toString('utf8').split('\n');
  const installed = lines.flatMap((l, i) => (l.startsWith('# robocurse-schedule ') ? [{ id: l.split('profile=')[1], profile: l.split('profile=')[1], artifacts: [{ name: 'crontab line', content: `${l}\n${lines[i + 1]}` }] }] : []));
  const state: InstalledState = { entries: installed, foreign: new Set(), raw: before };
  const desired = b.render(input).slice(0, desiredCount);
  const ops = b.operations(ctx, desired, state, input.identity, diffEntries(desired, installed));
  if (ops.length === 0) return before;
  const op = ops[1] as Extract<typeof ops[number], { kind: 'exec' }>;
  return op.stdin!;
}

/** Removes our block from an edited crontab, leaving what should be the untouched rest. */
function withoutBlock(text: Buffer, hash: string): Buffer {
  const s = text.toString('latin1');
  const a = s.indexOf(beginLine(hash)); const z = s.indexOf(endLine(hash));
  return a < 0 ? text : Buffer.from(s.slice(0, a) + s.slice(z + endLine(hash).length + 1), 'latin1');
}

// Any bytes but NUL and the two that Debian's `crontab -l` rewrites (see crontab-block.ts).
// A line ending in the two characters \r is refused (tested below), so none is generated here.
const foreignLine = fc.uint8Array({ maxLength: 60 }).map((a) => {
  const b = Buffer.from(a.filter((x) => x !== 0 && x !== 10 && x !== 13 && x !== 8));
  return b.length >= 2 && b[b.length - 2] === 0x5c && b[b.length - 1] === 0x72 ? b.subarray(0, b.length - 1) : b;
});
const foreignCrontab = fc.array(foreignLine, { maxLength: 12 }).map((ls) => Buffer.concat(ls.map((l) => Buffer.concat([l, Buffer.from('\n')]))));

describe('crontab editing keeps every other line byte for byte', () => {
  it('adding, updating and removing our block round-trips arbitrary foreign bytes (property)', () => {
    const input = inputFor('daily');
    fc.assert(fc.property(foreignCrontab, foreignCrontab, (head, tail) => {
      const added = edit(head, input);
      expect(withoutBlock(added, input.identity.hash).equals(head)).to.equal(true);
      // The user appends lines after our block; an update keeps them and the block in place.
      const withTail = Buffer.concat([added, tail]);
      const changed = inputFor('daily');
      changed.entries[0].model.minute = 50;
      const updated = edit(withTail, changed);
      expect(withoutBlock(updated, input.identity.hash).equals(Buffer.concat([head, tail]))).to.equal(true);
      expect(updated.toString('latin1')).to.contain('50 23 * * *');
      expect(edit(updated, changed).equals(updated), 'a second sync changes nothing').to.equal(true);
      const removed = edit(updated, changed, 0);
      expect(removed.equals(Buffer.concat([head, tail]))).to.equal(true);
    }), { numRuns: 300 });
  });

  it('a last line without a newline gets one before our block (cron needs it), nothing else changes', () => {
    const out = edit(Buffer.from('0 5 * * * /bin/true'));
    expect(out.toString('latin1').startsWith('0 5 * * * /bin/true\n# BEGIN robocurse-schedule')).to.equal(true);
  });

  it('another config\'s block is foreign text: never touched', () => {
    const other = inputFor('weekly-mon-thu', { configPath: '/etc/other/robocurse.json' });
    const theirs = edit(Buffer.from('MAILTO=""\n'), other);
    const ours = edit(theirs, inputFor('daily'));
    expect(ours.toString('latin1').startsWith(theirs.toString('latin1'))).to.equal(true);
    expect(edit(ours, inputFor('daily'), 0).equals(theirs)).to.equal(true);
  });

  it('a CRON_TZ set above our block: our lines name the host zone, then the old value is put back', () => {
    const out = edit(Buffer.from('CRON_TZ=UTC\n0 1 * * * /bin/true\n')).toString('latin1');
    expect(out).to.match(/# BEGIN [^\n]*\n[^\n]*\nCRON_TZ=Europe\/Berlin\n# robocurse-schedule [^\n]*\n[^\n]*\nCRON_TZ=UTC\n# END /);
    expect(edit(Buffer.from('0 1 * * * /bin/true\n')).toString('latin1')).to.not.contain('CRON_TZ');
  });

  it('refuses to rewrite a crontab with DOS line endings or a broken block', () => {
    expect(() => edit(Buffer.from('0 5 * * * /bin/true\\r\n'))).to.throw(CrontabEditError, /carriage return/);
    const hash = inputFor('daily').identity.hash;
    expect(() => edit(Buffer.from(`${beginLine(hash)}\n0 1 * * * x\n`))).to.throw(CrontabEditError, /1 BEGIN and 0 END/);
  });

  it('cron words: % escaped, quotes closed and reopened, no backslash anywhere', () => {
    const line = new CronBackend().render(inputFor('daily'))[0].artifacts[0].content.split('\n')[1];
    expect(line).to.equal(`45 23 * * * '/opt/node 20/bin/node' '/opt/robo curse/bin/robocurse.js' 'run' '--config' '/srv/cfg 50\\% $HOME '"'"'q'"'"' "dq" café/robocurse.json' '--profile' 'p-daily'`);
    const input = inputFor('daily', { configPath: '/srv/a\\b/robocurse.json' });
    expect(new CronBackend().refusals(input.entries[0].model, input).map((r) => r.message)).to.satisfy((m: string[]) => m.some((x) => /backslash/.test(x)));
  });
});
