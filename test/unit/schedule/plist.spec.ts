import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as plist from 'plist';
import { LaunchdBackend } from '../../../src/schedule/backends/launchd/launchd-backend';
import { inputFor, POSIX_CONFIG, POSIX_HOST } from './schedule-fixtures';

/** Python's plistlib: an independent parser (python3 is on every CI host). */
function pythonPlist(text: string): unknown {
  const r = spawnSync('python3', ['-c', 'import sys,json,plistlib; print(json.dumps(plistlib.loads(sys.stdin.buffer.read())))'], { input: text });
  expect(r.status, r.stderr.toString()).to.equal(0);
  return JSON.parse(r.stdout.toString('utf8'));
}

describe('launchd plists', () => {
  const backend = new LaunchdBackend('/Users/ad min/Library/LaunchAgents');
  const ctx = { scope: 'user' as const, env: {} };
  const cases: Record<string, object[]> = {
    'hourly-1': [{ Minute: 5 }],
    'hourly-6': [0, 6, 12, 18].map((h) => ({ Hour: h, Minute: 30 })),
    daily: [{ Hour: 23, Minute: 45 }],
    'weekly-mon-thu': [{ Weekday: 1, Hour: 4, Minute: 15 }, { Weekday: 4, Hour: 4, Minute: 15 }],
    'monthly-15': [{ Day: 15, Hour: 5, Minute: 0 }],
  };
  for (const [name, intervals] of Object.entries(cases)) {
    it(`${name}: plist and plistlib agree on label, exact ProgramArguments and StartCalendarInterval`, () => {
      const [e] = backend.render(inputFor(name), ctx);
      const viaPlist = plist.parse(e.artifacts[0].content) as Record<string, unknown>;
      expect(pythonPlist(e.artifacts[0].content)).to.deep.equal(viaPlist);
      expect(viaPlist.Label).to.equal(e.id).and.to.match(/^com\.robocurse\.p-[a-z0-9-]+\.[0-9a-f]{8}$/);
      expect(viaPlist.ProgramArguments).to.deep.equal([POSIX_HOST.execPath, POSIX_HOST.cliPath, 'run', '--config', POSIX_CONFIG, '--profile', `p-${name}`]);
      expect(viaPlist.StartCalendarInterval).to.deep.equal(intervals);
      expect(viaPlist.StandardOutPath).to.match(/logs\/launchd-p-/);
    });
  }

  it('refuses what launchd cannot express, naming the key', () => {
    for (const [name, key] of [['monthly-last', 'dayOfMonth'], ['random-delay', 'randomDelayMinutes']]) {
      expect(backend.refusals(inputFor(name).entries[0].model).map((r) => r.path)).to.deep.equal([`profiles.p-${name}.schedule.${key}`]);
    }
  });
});
