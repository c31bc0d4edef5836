import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SystemdBackend } from '../../../src/schedule/backends/systemd/systemd-backend';
import { onCalendar } from '../../../src/schedule/backends/systemd/render-units';
import { compileSchedule } from '../../../src/schedule/compile';
import { nextRuns } from '../../../src/schedule/next-runs';
import { removeTemp, tempDir } from '../../helpers/make-tree';
import { inputFor, MATRIX } from '../../unit/schedule/schedule-fixtures';

/** Elapse instants from `systemd-analyze calendar --iterations` (its "(in UTC)" lines), in ms. */
function systemdElapses(spec: string, zone: string, base: string, n: number): number[] {
  const r = spawnSync('systemd-analyze', ['calendar', `--iterations=${n}`, `--base-time=${base}`, spec], { env: { ...process.env, TZ: zone, LC_ALL: 'C' }, encoding: 'utf8' });
  expect(r.status, `systemd-analyze calendar ${spec}: ${r.stderr}`).to.equal(0);
  // Outside UTC each elapse has an "(in UTC)" line; in UTC the elapse lines themselves are UTC.
  const inUtc = [...r.stdout.matchAll(/\(in UTC\): \w{3} (\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}) UTC/g)];
  const lines = inUtc.length ? inUtc : [...r.stdout.matchAll(/(?:Next elapse|Iter\. #\d+): \w{3} (\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}) UTC/g)];
  return lines.map((m) => Date.parse(`${m[1].replace(' ', 'T')}Z`));
}

/** Base times a few days before each DST change of 2026/2027 in each zone (local wall time). */
const ZONES: Record<string, string[]> = {
  'Europe/Berlin': ['2026-03-25 12:00', '2026-10-22 12:00'],
  'America/New_York': ['2026-03-05 12:00', '2026-10-29 12:00'],
  'Australia/Sydney': ['2026-04-01 12:00', '2026-10-01 12:00'],
  'Australia/Lord_Howe': ['2026-04-01 12:00', '2026-10-01 12:00'],
  UTC: ['2026-02-25 12:00'],
};

/** Schedules at the times a DST change hits, besides the golden matrix. */
const DST_CASES = {
  'daily-0230': { ...MATRIX.daily, time: '02:30' },
  'daily-0130': { ...MATRIX.daily, time: '01:30' },
  'hourly-1-at-15': { ...MATRIX['hourly-1'], time: '00:15' },
  'hourly-2-at-0245': { ...MATRIX['hourly-6'], interval: 2, time: '02:45' },
  'weekly-sun-0230': { ...MATRIX['weekly-mon-thu'], daysOfWeek: [0], time: '02:30' },
};

describe('OnCalendar against systemd-analyze calendar (the oracle), across DST changes', function () {
  this.timeout(120_000);
  const all = { ...MATRIX, ...DST_CASES };
  for (const [zone, bases] of Object.entries(ZONES)) {
    it(`${zone}: every schedule's next 40 runs agree with systemd's`, () => {
      let compared = 0;
      for (const [name, cfg] of Object.entries(all)) {
        const model = compileSchedule(`p-${name}`, cfg);
        const spec = onCalendar(model);
        for (const base of bases) {
          const fromMs = systemdElapses(`${base.slice(0, 10)} ${base.slice(11)}:00`, zone, '2000-01-01', 1)[0];
          const oracle = systemdElapses(spec, zone, base, 40);
          expect(oracle, `${name} ${spec}`).to.have.length(40);
          expect(nextRuns(model, zone, fromMs, 40).map((t) => new Date(t).toISOString()), `${name}: ${spec} in ${zone} from ${base}`)
            .to.deep.equal(oracle.map((t) => new Date(t).toISOString()));
          compared += 40;
        }
      }
      expect(compared).to.be.greaterThan(400);
    });
  }

  it('the gap and overlap rules the oracle shows: 02:30 Berlin is skipped on 2026-03-29 and runs once on 2026-10-25', () => {
    const spring = systemdElapses('*-*-* 02:30:00', 'Europe/Berlin', '2026-03-28 12:00', 2).map((t) => new Date(t).toISOString());
    expect(spring).to.deep.equal(['2026-03-30T00:30:00.000Z', '2026-03-31T00:30:00.000Z']);
    const autumn = systemdElapses('*-*-* 02:30:00', 'Europe/Berlin', '2026-10-24 12:00', 2).map((t) => new Date(t).toISOString());
    expect(autumn).to.deep.equal(['2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z']);
  });
});

describe('generated units against systemd itself', function () {
  this.timeout(120_000);
  let dir: string;
  beforeEach(() => { dir = tempDir(); });
  afterEach(() => removeTemp(dir));

  it('systemd-analyze verify accepts every generated .service and .timer', () => {
    const node = process.execPath;
    const units: string[] = [];
    for (const name of Object.keys(MATRIX)) {
      // verify checks that ExecStart's program exists: point it at this node, with a hostile config path.
      const input = inputFor(name, { host: { execPath: node, cliPath: '/opt/robo curse/bin/robocurse.js' } });
      for (const a of new SystemdBackend(dir).render(input, { scope: 'user', env: {} })[0].artifacts) {
        fs.writeFileSync(a.name, a.content);
        units.push(a.name);
      }
    }
    const r = spawnSync('systemd-analyze', ['verify', '--man=no', ...units], { encoding: 'utf8', env: { ...process.env, SYSTEMD_LOG_LEVEL: 'notice' } });
    expect(r.stderr.split('\n').filter((l) => l.trim() && !/Failed to .*bus|No medium found|transient|Offline/i.test(l))).to.deep.equal([]);
    expect(r.status, r.stderr).to.equal(0);
  });

  it('systemd parses ExecStart back to the exact argv, for paths full of %, $, quotes, backslashes and spaces', () => {
    // `systemd --test` (as an unprivileged user) loads units from SYSTEMD_UNIT_PATH and dumps each
    // ExecStart as the argv it parsed; $$ is still $$ there (it becomes $ at exec time).
    const hostile = [`/tmp/a b/50%/x$y \\ "q" 'sq' tab\tin/café;/robocurse.json`, '/srv/100%%/${HOME}/$$/x\\\\y/robocurse.json', '/srv/ends with backslash\\'];
    const unitDir = path.join(dir, 'units');
    fs.mkdirSync(unitDir);
    const inputs = hostile.map((cfgPath, i) => {
      const input = inputFor('daily', { configPath: cfgPath.replace(/\t/g, ' '), host: { execPath: process.execPath, cliPath: `/opt/robo curse ${i}/$bin/robocurse.js` } });
      input.entries[0].model.profile = `hostile${i}`;
      input.entries[0].command.args[5] = `hostile${i}`;
      const [svc] = new SystemdBackend(unitDir).render(input, { scope: 'user', env: {} })[0].artifacts;
      fs.writeFileSync(svc.name, svc.content);
      return { unit: path.basename(svc.name), argv: [input.entries[0].command.executable, ...input.entries[0].command.args] };
    });
    fs.chmodSync(dir, 0o755); fs.chmodSync(unitDir, 0o755);
    for (const f of fs.readdirSync(unitDir)) fs.chmodSync(path.join(unitDir, f), 0o644);
    for (const { unit, argv } of inputs) {
      const r = spawnSync('runuser', ['-u', 'nobody', '--', '/lib/systemd/systemd', '--test', '--system', `--unit=${unit}`, '--no-pager'],
        { encoding: 'utf8', env: { ...process.env, SYSTEMD_UNIT_PATH: `${unitDir}:`, SYSTEMD_LOG_TARGET: 'console', SYSTEMD_LOG_LEVEL: 'err' }, maxBuffer: 64 * 1024 * 1024 });
      const section = r.stdout.split(`-> Unit ${unit}:`)[1] ?? '';
      const line = /Command Line: (.*)/.exec(section)?.[1];
      expect(line, `systemd --test printed no command line for ${unit}: ${r.stderr.slice(0, 500)}`).to.be.a('string');
      expect(splitSystemdDump(line!).map((w, i) => (i === 0 ? w : w.replace(/\$\$/g, '$')))).to.deep.equal(argv);
    }
  });
});

/** Splits systemd's own quoting of a command line (double quotes with C escapes). */
function splitSystemdDump(line: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  for (const m of line.matchAll(re)) {
    const w = m[1] ?? m[2];
    out.push(w.replace(/\\(x[0-9a-fA-F]{2}|.)/g, (_s, e: string) => (e.startsWith('x') && e.length === 3 ? String.fromCharCode(parseInt(e.slice(1), 16)) : ({ n: '\n', t: '\t', r: '\r' } as Record<string, string>)[e] ?? e)));
  }
  return out;
}
