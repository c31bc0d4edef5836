import { createHash } from 'node:crypto';
import { describeSchedule } from '../../compile';
import { markerText } from '../../identity';
import type { RenderInput, ScheduleEntryInput } from '../../backend';
import type { ScheduleModel } from '../../types';
import { xmlText } from '../../xml-text';
import { pad2 } from '../../zone';
import { windowsCommandLine } from './windows-argv';

const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** Who the task runs as. */
export type TaskPrincipal = { kind: 'system' } | { kind: 'user'; user: string; logonType: 'Password' | 'S4U' };

/** The task folder every robocurse task lives in. */
export const TASK_FOLDER = '\\Robocurse\\';

export function taskName(profile: string, short: string): string {
  return `${profile}-${short}`;
}

function schedule(m: ScheduleModel): string[] {
  if (m.daysOfWeek) {
    return ['<ScheduleByWeek>', '  <DaysOfWeek>', ...m.daysOfWeek.map((d) => `    <${DAY_NAMES[d]} />`), '  </DaysOfWeek>', '  <WeeksInterval>1</WeeksInterval>', '</ScheduleByWeek>'];
  }
  if (m.dayOfMonth !== null) {
    return ['<ScheduleByMonth>', '  <DaysOfMonth>', `    <Day>${m.dayOfMonth === 'last' ? 'Last' : m.dayOfMonth}</Day>`, '  </DaysOfMonth>',
      '  <Months>', ...MONTHS.map((n) => `    <${n} />`), '  </Months>', '</ScheduleByMonth>'];
  }
  return ['<ScheduleByDay>', '  <DaysInterval>1</DaysInterval>', '</ScheduleByDay>'];
}

/**
 * One calendar trigger per start hour: each is an ordinary daily/weekly/monthly trigger, so the
 * random delay and DST handling are the same for every start (a repetition pattern would apply
 * the delay once per day). StartBoundary has no offset: local wall time of the host.
 */
function triggers(m: ScheduleModel): string[] {
  return m.hours.flatMap((h) => [
    '<CalendarTrigger>',
    `  <StartBoundary>2000-01-01T${pad2(h)}:${pad2(m.minute)}:00</StartBoundary>`,
    '  <Enabled>true</Enabled>',
    ...(m.randomDelayMinutes > 0 ? [`  <RandomDelay>PT${m.randomDelayMinutes}M</RandomDelay>`] : []),
    ...schedule(m).map((l) => `  ${l}`),
    '</CalendarTrigger>',
  ]);
}

function principal(p: TaskPrincipal): string[] {
  const who = p.kind === 'system' ? ['<UserId>S-1-5-18</UserId>'] : [`<UserId>${xmlText(p.user)}</UserId>`, `<LogonType>${p.logonType}</LogonType>`];
  return ['<Principal id="Author">', ...who.map((l) => `  ${l}`), '  <RunLevel>HighestAvailable</RunLevel>', '</Principal>'];
}

const indent = (n: number, lines: string[]): string[] => lines.map((l) => `${' '.repeat(n)}${l}`);

/**
 * The task XML. The Description carries the marker and a hash of the rest of the XML: Task
 * Scheduler rewrites the XML it stores, so that hash is how sync tells an unchanged task.
 */
export function renderTaskXml(input: RenderInput, e: ScheduleEntryInput, who: TaskPrincipal): { xml: string; description: string } {
  const { model, command } = e;
  const body = (description: string): string => [
    '<?xml version="1.0" encoding="UTF-16"?>',
    '<Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">',
    '  <RegistrationInfo>',
    '    <Author>robocurse</Author>',
    `    <Description>${xmlText(description)}</Description>`,
    '  </RegistrationInfo>',
    '  <Triggers>',
    ...indent(4, triggers(model)),
    '  </Triggers>',
    '  <Principals>',
    ...indent(4, principal(who)),
    '  </Principals>',
    // In the order Task Scheduler itself exports them.
    '  <Settings>',
    '    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>',
    '    <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>',
    '    <StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>',
    '    <AllowHardTerminate>true</AllowHardTerminate>',
    // A start missed while the machine was off runs as soon as it can.
    '    <StartWhenAvailable>true</StartWhenAvailable>',
    '    <RunOnlyIfNetworkAvailable>false</RunOnlyIfNetworkAvailable>',
    '    <IdleSettings>',
    '      <StopOnIdleEnd>false</StopOnIdleEnd>',
    '      <RestartOnIdle>false</RestartOnIdle>',
    '    </IdleSettings>',
    '    <AllowStartOnDemand>true</AllowStartOnDemand>',
    '    <Enabled>true</Enabled>',
    '    <Hidden>false</Hidden>',
    '    <RunOnlyIfIdle>false</RunOnlyIfIdle>',
    '    <WakeToRun>false</WakeToRun>',
    // The default limit (72 h) kills a long migration on day 3.
    '    <ExecutionTimeLimit>PT0S</ExecutionTimeLimit>',
    '    <Priority>7</Priority>',
    '  </Settings>',
    '  <Actions Context="Author">',
    '    <Exec>',
    `      <Command>${xmlText(/\s/.test(command.executable) ? `"${command.executable}"` : command.executable)}</Command>`,
    `      <Arguments>${xmlText(windowsCommandLine(command.args))}</Arguments>`,
    `      <WorkingDirectory>${xmlText(command.workingDirectory)}</WorkingDirectory>`,
    '    </Exec>',
    '  </Actions>',
    '</Task>',
    '',
  ].join('\r\n');
  const spec = createHash('sha256').update(body('')).digest('hex').slice(0, 12);
  const description = `robocurse: replicate profile ${model.profile} of ${input.identity.configPath} (${describeSchedule(model)}). `
    + `Written by robocurse schedule sync; change the config and sync again. ${markerText(input.identity, model.profile)} spec=${spec}`;
  return { xml: body(description), description };
}

