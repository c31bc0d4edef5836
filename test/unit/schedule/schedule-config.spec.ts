import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadConfig } from '../../../src/config/load-config';
import { ConfigError } from '../../../src/config/problems';
import { removeTemp, tempDir } from '../../helpers/make-tree';

const noPlugins = async () => ({ problems: [], names: { copiers: [], snapshotProviders: [] } });

async function problemsOf(schedule: unknown): Promise<string[]> {
  const dir = tempDir();
  try {
    const file = path.join(dir, 'robocurse.json');
    fs.writeFileSync(file, JSON.stringify({ version: 1, profiles: { docs: { source: 'src', destination: 'dst', schedule } } }));
    await loadConfig(file, { pluginChecker: noPlugins, checkFilesystem: false });
    return [];
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return e.problems.map((p) => `${p.path}: ${p.message}`);
  } finally { removeTemp(dir); }
}

describe('config: profiles.<name>.schedule', () => {
  it('accepts each frequency with its own keys and fills the defaults', async () => {
    for (const s of [{ frequency: 'hourly', interval: 6 }, { frequency: 'daily' }, { frequency: 'weekly', daysOfWeek: ['Mon', 'Thu'] }, { frequency: 'monthly', dayOfMonth: 'last', randomDelayMinutes: 30 }, { frequency: 'monthly', dayOfMonth: 28, enabled: false }]) {
      expect(await problemsOf(s), JSON.stringify(s)).to.deep.equal([]);
    }
    const dir = tempDir();
    try {
      const file = path.join(dir, 'c.json');
      fs.writeFileSync(file, JSON.stringify({ version: 1, profiles: { a: { source: 's', destination: 'd', schedule: { frequency: 'weekly', daysOfWeek: ['Thu', 'Mon'] } }, b: { source: 's2', destination: 'd2' } } }));
      const cfg = await loadConfig(file, { pluginChecker: noPlugins, checkFilesystem: false });
      expect(cfg.profiles[0].schedule).to.deep.equal({ enabled: true, frequency: 'weekly', time: '00:30', interval: 1, daysOfWeek: [1, 4], dayOfMonth: null, randomDelayMinutes: 0 });
      expect(cfg.profiles[1]).to.not.have.property('schedule');
    } finally { removeTemp(dir); }
  });

  const bad: [unknown, string][] = [
    [{ frequency: 'hourly', interval: 5 }, 'profiles.docs.schedule.interval: expected one of 1, 2, 3, 4, 6, 8, 12, got number 5'],
    [{ frequency: 'daily', interval: 2 }, 'profiles.docs.schedule.interval: only for frequency "hourly"'],
    [{ frequency: 'daily', time: '24:00' }, 'profiles.docs.schedule.time: expected text matching'],
    [{ frequency: 'daily', time: '2:30' }, 'profiles.docs.schedule.time: expected text matching'],
    [{ frequency: 'weekly' }, 'profiles.docs.schedule.daysOfWeek: missing'],
    [{ frequency: 'weekly', daysOfWeek: ['Mon', 'Mon'] }, 'profiles.docs.schedule.daysOfWeek: a day is named twice'],
    [{ frequency: 'weekly', daysOfWeek: ['monday'] }, 'profiles.docs.schedule.daysOfWeek[0]: expected one of "Mon"'],
    [{ frequency: 'monthly', dayOfMonth: 31 }, 'profiles.docs.schedule.dayOfMonth: expected an integer 1-28 or "last"'],
    [{ frequency: 'monthly' }, 'profiles.docs.schedule.dayOfMonth: missing'],
    [{ frequency: 'daily', dayOfMonth: 3 }, 'profiles.docs.schedule.dayOfMonth: only for frequency "monthly"'],
    [{ frequency: 'hourly', interval: 2, randomDelayMinutes: 120 }, 'profiles.docs.schedule.randomDelayMinutes: must be less than the 120 minutes'],
    [{ frequency: 'fortnightly' }, 'profiles.docs.schedule.frequency: expected one of'],
    [{ time: '00:30' }, "profiles.docs.schedule.frequency: missing required key 'frequency'"],
    [{ frequency: 'daily', at: '00:30' }, "profiles.docs.schedule.at: unknown key 'at'"],
  ];
  for (const [s, want] of bad) {
    it(`refuses ${JSON.stringify(s)} naming the key`, async () => {
      const got = await problemsOf(s);
      expect(got.some((g) => g.startsWith(want)), `${got.join('\n')}\nwanted: ${want}`).to.equal(true);
    });
  }
});
