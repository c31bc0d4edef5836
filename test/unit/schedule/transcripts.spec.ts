import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { processScheduleDeps, scheduleCommand, type ScheduleArgs, type ScheduleDeps } from '../../../src/cli/commands/schedule';
import { packageRoot } from '../../../src/paths';
import { configIdentity } from '../../../src/schedule/identity';
import { captureIo } from '../../helpers/capture-io';
import { FakeRunner } from '../../helpers/fake-runner';
import { makeTree, removeTemp, tempDir } from '../../helpers/make-tree';
import { WIN_HOST } from './schedule-fixtures';

const transcript = (name: string, vars: Record<string, string>): FakeRunner => FakeRunner.fromFile(path.join(packageRoot(), 'test', 'fixtures', 'schedule', 'transcripts', `${name}.json`), vars);

function writeConfig(dir: string, profiles: Record<string, unknown>): string {
  const file = path.join(dir, 'robocurse.json');
  fs.writeFileSync(file, JSON.stringify({ version: 1, global: { logDir: 'logs', stateDir: 'state' }, profiles }, null, 2));
  return file;
}

describe('schedule install paths replayed from transcripts (systemd, Task Scheduler, launchd)', () => {
  let dir: string; let home: string;
  beforeEach(() => { dir = tempDir(); home = path.join(dir, 'home'); makeTree(dir, { src: { 'a.txt': 'a' }, home: {} }); });
  afterEach(() => removeTemp(dir));

  async function run(runner: FakeRunner, args: Partial<ScheduleArgs>, platform: NodeJS.Platform, extra: Partial<ScheduleDeps> = {}, env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string; err: string }> {
    const cap = captureIo(dir, { HOME: home, USERDOMAIN: 'CORP', USERNAME: 'backup', ...env });
    const deps: ScheduleDeps = { ...processScheduleDeps(), runner, platform, uid: platform === 'darwin' ? 501 : 1000, host: { execPath: '/usr/bin/node', cliPath: '/opt/robocurse/bin/robocurse.js' }, ...extra };
    const code = await scheduleCommand({ config: path.join(dir, 'robocurse.json'), ...args } as ScheduleArgs, cap.io, deps);
    return { code, out: cap.stdout(), err: cap.stderr() };
  }

  it('systemd: sync writes units and enables timers; status reads systemctl show; run-now starts the service; a re-sync updates and removes; a failing step exits 4', async () => {
    const file = writeConfig(dir, {
      docs: { source: 'src', destination: 'dst', schedule: { frequency: 'daily', time: '23:45' } },
      photos: { source: 'src', destination: 'dst2', schedule: { frequency: 'weekly', daysOfWeek: ['Thu'], time: '04:15', randomDelayMinutes: 10 } },
    });
    const short = configIdentity(file).short;
    const runner = transcript('systemd', { short, home });
    const unitDir = path.join(home, '.config', 'systemd', 'user');

    const sync = await run(runner, { action: 'sync' }, 'linux');
    expect(sync.code, sync.err).to.equal(0);
    expect(sync.out).to.contain('warning: user units run only while user 1000 is logged in');
    expect(fs.readdirSync(unitDir).sort()).to.deep.equal([`robocurse-docs-${short}.service`, `robocurse-docs-${short}.timer`, `robocurse-photos-${short}.service`, `robocurse-photos-${short}.timer`]);
    expect(fs.readFileSync(path.join(unitDir, `robocurse-photos-${short}.timer`), 'utf8')).to.contain('OnCalendar=Thu *-*-* 04:15:00\nPersistent=true\nRandomizedDelaySec=600\n');

    const status = await run(runner, { action: 'status' }, 'linux');
    expect(status.code, status.err).to.equal(0);
    expect(status.out).to.contain('state: timer active (waiting), service failed').and.to.contain('next run: Mon 2026-11-30 23:45:00 UTC')
      .and.to.contain('last result: exit code 4 (exit-code) at Sun 2026-11-29 23:47:12 UTC').and.to.contain('last robocurse run: none recorded');

    const now = await run(runner, { action: 'run-now', profile: ['docs'] }, 'linux');
    expect(now.code, now.err).to.equal(0);

    writeConfig(dir, { docs: { source: 'src', destination: 'dst', schedule: { frequency: 'daily', time: '22:00' } }, photos: { source: 'src', destination: 'dst2' } });
    const resync = await run(runner, { action: 'sync' }, 'linux');
    expect(resync.code, resync.err).to.equal(0);
    expect(resync.out).to.match(/~ update\s+docs/).and.to.match(/- remove\s+photos/);
    expect(fs.readdirSync(unitDir).sort()).to.deep.equal([`robocurse-docs-${short}.service`, `robocurse-docs-${short}.timer`]);
    expect(fs.readFileSync(path.join(unitDir, `robocurse-docs-${short}.timer`), 'utf8')).to.contain('OnCalendar=*-*-* 22:00:00');

    const remove = await run(runner, { action: 'remove' }, 'linux');
    expect(remove.code).to.equal(4);
    expect(remove.err).to.contain('systemctl --user daemon-reload failed').and.to.contain('No medium found').and.to.contain('run it again');
    expect(fs.readdirSync(unitDir)).to.deep.equal([]);
    runner.expectDone();
  });

  it('Task Scheduler: the password goes only to stdin; XML in UTF-16 with BOM; a German error is reported; other configs\' tasks are left alone', async () => {
    const file = writeConfig(dir, { docs: { source: 'src', destination: 'dst', schedule: { frequency: 'monthly', dayOfMonth: 'last', time: '21:00', randomDelayMinutes: 20 } } });
    const id = configIdentity(file);
    const docsTask = JSON.stringify([{ name: `docs-${id.short}`, description: `robocurse-schedule config-hash=${id.hash} profile=docs spec=0` }]);
    const runner = transcript('schtasks', { short: id.short, DOCS_TASK: docsTask });
    const password = 'pa55 "w0rd" $x %y%';
    const win = { host: WIN_HOST };

    const sync = await run(runner, { action: 'sync', runAs: 'CORP\\svc-repl', passwordStdin: true }, 'win32', { ...win, readStdin: async () => `${password}\r\n` });
    expect(sync.code, sync.err).to.equal(0);
    expect(sync.out).to.contain('(the password, then the task XML shown above)').and.to.not.contain(password);
    for (const c of runner.calls) expect(c.argv.join(' ') + (c.script ?? '')).to.not.contain('pa55');
    const register = runner.calls[1];
    expect(register.stdin!.toString('utf8')).to.match(new RegExp(`^${password.replace(/[$%"]/g, '\\$&')}\\n<\\?xml`));
    expect(register.stdin!.toString('utf8')).to.contain('<LogonType>Password</LogonType>').and.to.contain('<Day>Last</Day>').and.to.contain('<RandomDelay>PT20M</RandomDelay>');
    expect(sync.out, 'the hand-made and the other config\'s task are not removed').to.not.contain('remove');

    const denied = await run(runner, { action: 'sync' }, 'win32', win);
    expect(denied.code).to.equal(4);
    expect(denied.err).to.contain('FEHLER: Zugriff verweigert');
    const sync2 = await run(runner, { action: 'sync' }, 'win32', win);
    expect(sync2.code, sync2.err).to.equal(0);
    const payload = runner.calls[5].payload!;
    expect([...payload.subarray(0, 2)]).to.deep.equal([0xff, 0xfe]);
    expect(payload.subarray(2).toString('utf16le')).to.match(/^<\?xml version="1.0" encoding="UTF-16"\?>/).and.to.contain('<LogonType>S4U</LogonType>');

    const status = await run(runner, { action: 'status' }, 'win32', win);
    expect(status.code, status.err).to.equal(0);
    expect(status.out).to.contain('state: Ready').and.to.contain('next run: 2026-11-30T00:30:00').and.to.contain('last result: 0x0');
    expect((await run(runner, { action: 'run-now', profile: ['docs'] }, 'win32', win)).code).to.equal(0);
    expect((await run(runner, { action: 'remove' }, 'win32', win)).code).to.equal(0);
    runner.expectDone();
  });

  it('launchd: bootstrap, print, kickstart; an update boots out first; remove tolerates a job that is not loaded', async () => {
    const file = writeConfig(dir, { docs: { source: 'src', destination: 'dst', schedule: { frequency: 'weekly', daysOfWeek: ['Mon', 'Thu'], time: '04:15' } } });
    const short = configIdentity(file).short;
    const runner = transcript('launchd', { short, home });
    const plist = path.join(home, 'Library', 'LaunchAgents', `com.robocurse.docs.${short}.plist`);
    expect((await run(runner, { action: 'sync' }, 'darwin')).code).to.equal(0);
    expect(fs.readFileSync(plist, 'utf8')).to.contain('<key>Weekday</key>');
    const status = await run(runner, { action: 'status' }, 'darwin');
    expect(status.out).to.contain('state: not running').and.to.contain('last exit code 1, 3 runs').and.to.contain('(computed; random delay not included)');
    expect((await run(runner, { action: 'run-now', profile: ['docs'] }, 'darwin')).code).to.equal(0);
    writeConfig(dir, { docs: { source: 'src', destination: 'dst', schedule: { frequency: 'daily', time: '05:00' } } });
    const failed = await run(runner, { action: 'sync' }, 'darwin');
    expect(failed.code).to.equal(4);
    expect(failed.err).to.contain('Bootstrap failed: 5');
    const removed = await run(runner, { action: 'remove' }, 'darwin');
    expect(removed.code, removed.err).to.equal(0);
    expect(fs.existsSync(plist)).to.equal(false);
    runner.expectDone();
  });

  it('refuses what the chosen backend cannot express with exit 2 naming the key, before running anything', async () => {
    writeConfig(dir, { docs: { source: 'src', destination: 'dst', schedule: { frequency: 'monthly', dayOfMonth: 'last', randomDelayMinutes: 5 } } });
    const runner = new FakeRunner([]);
    const r = await run(runner, { action: 'sync', backend: 'cron' }, 'linux');
    expect(r.code).to.equal(2);
    expect(r.err).to.contain('profiles.docs.schedule.dayOfMonth: cron cannot express "last"').and.to.contain('profiles.docs.schedule.randomDelayMinutes: cron has no random delay');
    expect(runner.calls).to.deep.equal([]);
  });

  it('--password-stdin is refused outside Task Scheduler and for --system (exit 2)', async () => {
    writeConfig(dir, { docs: { source: 'src', destination: 'dst', schedule: { frequency: 'daily' } } });
    expect((await run(new FakeRunner([]), { action: 'plan', backend: 'systemd', passwordStdin: true }, 'linux')).code).to.equal(2);
    expect((await run(new FakeRunner([]), { action: 'plan', system: true, passwordStdin: true }, 'win32')).code).to.equal(2);
  });
});
