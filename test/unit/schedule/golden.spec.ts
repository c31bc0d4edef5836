import { expect } from 'chai';
import type { BackendContext, InstalledState } from '../../../src/schedule/backend';
import { diffEntries } from '../../../src/schedule/backend';
import { CronBackend } from '../../../src/schedule/backends/cron/cron-backend';
import { LaunchdBackend } from '../../../src/schedule/backends/launchd/launchd-backend';
import { SchtasksBackend } from '../../../src/schedule/backends/schtasks/schtasks-backend';
import { SystemdBackend } from '../../../src/schedule/backends/systemd/systemd-backend';
import { expectGolden } from '../../helpers/golden';
import { FakeRunner } from '../../helpers/fake-runner';
import { inputFor, MATRIX } from './schedule-fixtures';

const ctx = (over: Partial<BackendContext> = {}): BackendContext => ({
  runner: new FakeRunner([]), scope: 'user', env: { HOME: '/home/ad min', USERDOMAIN: 'CORP', USERNAME: 'backup' }, zone: 'Europe/Berlin', uid: 1000, ...over,
});
const empty = (): InstalledState => ({ entries: [], foreign: new Set(), raw: Buffer.alloc(0) });
const CASES = Object.keys(MATRIX);

describe('schedule golden files (test/golden/schedule; UPDATE_GOLDEN=1 rewrites them)', () => {
  describe('systemd', () => {
    const b = new SystemdBackend('/units');
    for (const c of CASES) {
      it(`${c}: .service and .timer`, () => {
        const [e] = b.render(inputFor(c), ctx());
        expect(e.artifacts.map((a) => a.name)).to.deep.equal([`/units/${e.id}.service`, `/units/${e.id}.timer`]);
        expectGolden(`schedule/systemd/${c}.service`, e.artifacts[0].content);
        expectGolden(`schedule/systemd/${c}.timer`, e.artifacts[1].content);
      });
    }
    it('system scope: units wait for the network; steps are daemon-reload and enable --now without --user', () => {
      const input = inputFor('daily', { scope: 'system' });
      const desired = b.render(input, ctx({ scope: 'system' }));
      expectGolden('schedule/systemd/daily-system.service', desired[0].artifacts[0].content);
      const ops = b.operations(ctx({ scope: 'system' }), desired, empty(), input.identity, diffEntries(desired, []));
      expectGolden('schedule/systemd/daily-system.steps.json', `${JSON.stringify(ops, null, 2)}\n`);
    });
  });

  describe('cron', () => {
    const b = new CronBackend();
    for (const c of CASES) {
      it(`${c}: the crontab block (or the refusal naming the key)`, () => {
        const input = inputFor(c);
        const refusals = b.refusals(input.entries[0].model, input);
        if (c === 'monthly-last' || c === 'random-delay') {
          expect(refusals.map((r) => r.path)).to.deep.equal([`profiles.p-${c}.schedule.${c === 'monthly-last' ? 'dayOfMonth' : 'randomDelayMinutes'}`]);
          return;
        }
        expect(refusals).to.deep.equal([]);
        const desired = b.render(input);
        const ops = b.operations(ctx(), desired, empty(), input.identity, diffEntries(desired, []));
        expect(ops.map((o) => (o.kind === 'exec' ? o.argv.join(' ') : o.kind))).to.deep.equal(['crontab -l', 'crontab -']);
        const op = ops[1] as Extract<typeof ops[number], { kind: 'exec' }>;
        expectGolden(`schedule/cron/${c}.crontab`, op.stdin!.toString('utf8'));
      });
    }
  });

  describe('Task Scheduler', () => {
    const b = new SchtasksBackend();
    for (const c of CASES) {
      it(`${c}: task XML and the installing argv`, () => {
        const input = inputFor(c, { windows: true });
        expect(b.refusals(input.entries[0].model, input)).to.deep.equal([]);
        const desired = b.render(input, ctx());
        expectGolden(`schedule/schtasks/${c}.xml`, desired[0].payload!);
        const ops = b.operations(ctx(), desired, empty(), input.identity, diffEntries(desired, []));
        expectGolden(`schedule/schtasks/${c}.argv.json`, `${JSON.stringify(ops.map((o) => (o.kind === 'exec' ? o.argv : o)), null, 2)}\n`);
      });
    }
    it('system scope runs as SYSTEM', () => {
      const input = inputFor('daily', { windows: true, scope: 'system' });
      expectGolden('schedule/schtasks/daily-system.xml', b.render(input, ctx({ scope: 'system' }))[0].payload!);
    });
  });

  describe('launchd', () => {
    const b = new LaunchdBackend('/Users/ad min/Library/LaunchAgents');
    for (const c of CASES) {
      it(`${c}: the plist (or the refusal naming the key)`, () => {
        const input = inputFor(c);
        const refusals = b.refusals(input.entries[0].model);
        if (c === 'monthly-last' || c === 'random-delay') { expect(refusals).to.have.length(1); return; }
        const [e] = b.render(input, ctx());
        expectGolden(`schedule/launchd/${c}.plist`, e.artifacts[0].content);
      });
    }
  });
});
