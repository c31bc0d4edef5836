import { expect } from 'chai';
import * as fc from 'fast-check';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SchtasksBackend } from '../../../src/schedule/backends/schtasks/schtasks-backend';
import { windowsArg, windowsCommandLine } from '../../../src/schedule/backends/schtasks/windows-argv';
import { packageRoot } from '../../../src/paths';
import { inputFor, MATRIX, WIN_CONFIG, WIN_HOST } from './schedule-fixtures';

/**
 * Reference splitter written from Microsoft's rules for CommandLineToArgvW / the MSVC runtime
 * ("Parsing C++ command-line arguments"): 2n backslashes + quote -> n backslashes and a quote
 * toggle; 2n+1 backslashes + quote -> n backslashes and a literal quote; other backslashes are
 * literal; whitespace outside quotes separates arguments.
 */
function splitWindows(line: string): string[] {
  const out: string[] = [];
  let cur = ''; let inQuotes = false; let have = false;
  for (let i = 0; i < line.length;) {
    const ch = line[i];
    if (ch === '\\') {
      let n = 0; while (line[i] === '\\') { n++; i++; }
      if (line[i] === '"') { cur += '\\'.repeat(Math.floor(n / 2)); if (n % 2 === 1) { cur += '"'; i++; } have = true; } else { cur += '\\'.repeat(n); have = true; }
      continue;
    }
    if (ch === '"') { inQuotes = !inQuotes; have = true; i++; continue; }
    if ((ch === ' ' || ch === '\t') && !inQuotes) { if (have) { out.push(cur); cur = ''; have = false; } i++; continue; }
    cur += ch; have = true; i++;
  }
  if (have) out.push(cur);
  return out;
}

const parser = new XMLParser({ ignoreAttributes: false, isArray: (name) => ['CalendarTrigger', 'Exec', 'Principal'].includes(name) });

function parseTask(xml: string): any {
  expect(XMLValidator.validate(xml), 'well-formed XML').to.equal(true);
  return parser.parse(xml).Task;
}

describe('Task Scheduler XML', () => {
  const backend = new SchtasksBackend();
  const ctx = { scope: 'user' as const, env: { USERDOMAIN: 'CORP', USERNAME: 'backup' } };

  for (const name of Object.keys(MATRIX)) {
    it(`${name}: one Exec action with the exact argv, no time limit, IgnoreNew, StartWhenAvailable, local StartBoundary`, () => {
      const input = inputFor(name, { windows: true });
      const task = parseTask(backend.render(input, ctx)[0].payload!);
      expect(task['@_xmlns']).to.equal('http://schemas.microsoft.com/windows/2004/02/mit/task');
      const s = task.Settings;
      expect(s.ExecutionTimeLimit).to.equal('PT0S');
      expect(s.MultipleInstancesPolicy).to.equal('IgnoreNew');
      expect(s.StartWhenAvailable).to.equal(true);
      expect(s.DisallowStartIfOnBatteries).to.equal(false);
      expect(task.Actions.Exec).to.have.length(1);
      const exec = task.Actions.Exec[0];
      expect(exec.Command).to.equal(`"${WIN_HOST.execPath}"`);
      expect(splitWindows(exec.Arguments)).to.deep.equal(input.entries[0].command.args);
      expect(input.entries[0].command.args).to.deep.equal([WIN_HOST.cliPath, 'run', '--config', WIN_CONFIG, '--profile', `p-${name}`]);
      expect(task.Principals.Principal[0]).to.include({ UserId: 'CORP\\backup', LogonType: 'S4U', RunLevel: 'HighestAvailable' });
      const m = input.entries[0].model;
      const triggers = task.Triggers.CalendarTrigger as any[];
      expect(triggers).to.have.length(m.hours.length).and.to.have.length.at.most(48);
      triggers.forEach((t, i) => {
        // No offset: local wall time of the host.
        expect(t.StartBoundary).to.equal(`2000-01-01T${String(m.hours[i]).padStart(2, '0')}:${String(m.minute).padStart(2, '0')}:00`);
        if (m.randomDelayMinutes) expect(t.RandomDelay).to.equal(`PT${m.randomDelayMinutes}M`); else expect(t).to.not.have.property('RandomDelay');
        if (m.daysOfWeek) expect(Object.keys(t.ScheduleByWeek.DaysOfWeek)).to.deep.equal(['Monday', 'Thursday']);
        else if (m.dayOfMonth !== null) {
          expect(t.ScheduleByMonth.DaysOfMonth.Day).to.equal(m.dayOfMonth === 'last' ? 'Last' : m.dayOfMonth);
          expect(Object.keys(t.ScheduleByMonth.Months)).to.have.length(12);
        } else expect(t.ScheduleByDay.DaysInterval).to.equal(1);
      });
      expect(task.RegistrationInfo.Description).to.match(/robocurse-schedule config-hash=[0-9a-f]{16} profile=p-/);
    });
  }

  it('--system runs as SYSTEM (S-1-5-18) at the highest level; a password gives LogonType Password', () => {
    const sys = parseTask(backend.render(inputFor('daily', { windows: true, scope: 'system' }), { ...ctx, scope: 'system' })[0].payload!);
    expect(sys.Principals.Principal[0]).to.deep.equal({ '@_id': 'Author', UserId: 'S-1-5-18', RunLevel: 'HighestAvailable' });
    const pw = parseTask(backend.render(inputFor('daily', { windows: true }), { ...ctx, runAs: { user: 'CORP\\svc-repl', password: 'x' } })[0].payload!);
    expect(pw.Principals.Principal[0]).to.include({ UserId: 'CORP\\svc-repl', LogonType: 'Password' });
  });

  it('parses a task as Windows exports it (fixture) with the same parser: the shape the assertions rely on', () => {
    const text = fs.readFileSync(path.join(packageRoot(), 'test', 'fixtures', 'schedule', 'exported-task.xml'));
    const task = parseTask(text.subarray(2).toString('utf16le'));
    expect(task.Settings.ExecutionTimeLimit).to.equal('PT72H');
    expect(task.Triggers.CalendarTrigger[0].ScheduleByDay.DaysInterval).to.equal(1);
  });

  it('windowsArg: the reference CommandLineToArgvW splitter gives back any argv exactly', () => {
    const ch = fc.constantFrom('a', ' ', '\t', '"', '\\', 'é', 'x', '\\\\', '\\"', '%', "'");
    fc.assert(fc.property(fc.array(fc.array(ch, { maxLength: 12 }).map((a) => a.join('')), { minLength: 1, maxLength: 6 }), (args) => {
      expect(splitWindows(windowsCommandLine(args))).to.deep.equal(args);
    }), { numRuns: 2000 });
    expect(windowsArg('C:\\dir with space\\')).to.equal('"C:\\dir with space\\\\"');
    expect(windowsArg('')).to.equal('""');
  });
});
