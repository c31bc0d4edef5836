import { describeSchedule } from '../../compile';
import { markerText } from '../../identity';
import type { ScheduleModel } from '../../types';
import { WEEKDAYS } from '../../types';
import { pad2 } from '../../zone';
import type { RenderInput, ScheduleEntryInput } from '../../backend';
import { execStartLine, unitText } from './unit-syntax';

/** `OnCalendar=` of a model, in the system's local time zone. */
export function onCalendar(m: ScheduleModel): string {
  const hours = m.hours.length === 24 ? '*' : m.hours.map(pad2).join(',');
  const time = `${hours}:${pad2(m.minute)}:00`;
  if (m.daysOfWeek) return `${m.daysOfWeek.map((d) => WEEKDAYS[d]).join(',')} *-*-* ${time}`;
  if (m.dayOfMonth === 'last') return `*-*~01 ${time}`;
  if (m.dayOfMonth !== null) return `*-*-${pad2(m.dayOfMonth)} ${time}`;
  return `*-*-* ${time}`;
}

export function unitBaseName(profile: string, short: string): string {
  return `robocurse-${profile}-${short}`;
}

function header(input: RenderInput, profile: string): string {
  return `# ${markerText(input.identity, profile)}\n`
    + `# Written by \`robocurse schedule sync\` for ${input.identity.configPath}: edits are overwritten; change the config and sync again.\n`;
}

export function renderService(input: RenderInput, e: ScheduleEntryInput): string {
  const { model, command } = e;
  const lines = [
    header(input, model.profile),
    '[Unit]',
    `Description=${unitText(`robocurse: replicate profile ${model.profile} of ${input.identity.configPath}`)}`,
    // Shares must be reachable; the user manager has no network-online.target of its own.
    ...(input.scope === 'system' ? ['Wants=network-online.target', 'After=network-online.target'] : []),
    '',
    '[Service]',
    'Type=oneshot',
    `ExecStart=${execStartLine(command.executable, command.args)}`,
    // A replica may run for days; oneshot start jobs must never time out.
    'TimeoutStartSec=infinity',
    '',
  ];
  return lines.join('\n');
}

export function renderTimer(input: RenderInput, e: ScheduleEntryInput): string {
  const { model } = e;
  const lines = [
    header(input, model.profile),
    '[Unit]',
    `Description=${unitText(`robocurse schedule of profile ${model.profile}: ${describeSchedule(model)}`)}`,
    '',
    '[Timer]',
    `OnCalendar=${onCalendar(model)}`,
    // A start missed while the machine was off or asleep runs once at boot / wake-up.
    'Persistent=true',
    ...(model.randomDelayMinutes > 0 ? [`RandomizedDelaySec=${model.randomDelayMinutes * 60}`] : []),
    `Unit=${unitBaseName(model.profile, input.identity.short)}.service`,
    '',
    '[Install]',
    'WantedBy=timers.target',
    '',
  ];
  return lines.join('\n');
}
