import * as path from 'node:path';
import { markerText } from '../../identity';
import type { RenderInput, ScheduleEntryInput } from '../../backend';
import type { ScheduleModel } from '../../types';
import { xmlText } from '../../xml-text';

export function launchdLabel(profile: string, short: string): string {
  return `com.robocurse.${profile}.${short}`;
}

type Interval = Record<'Weekday' | 'Day' | 'Hour' | 'Minute', number | undefined>;

/** One StartCalendarInterval dict per start (day x hour); launchd has no lists inside a dict. */
export function calendarIntervals(m: ScheduleModel): Interval[] {
  const hours: (number | undefined)[] = m.hours.length === 24 ? [undefined] : m.hours;
  const days: { Weekday?: number; Day?: number }[] = m.daysOfWeek
    ? m.daysOfWeek.map((d) => ({ Weekday: d }))
    : m.dayOfMonth !== null && m.dayOfMonth !== 'last' ? [{ Day: m.dayOfMonth }] : [{}];
  return days.flatMap((d) => hours.map((h) => ({ Weekday: d.Weekday, Day: d.Day, Hour: h, Minute: m.minute })));
}

const str = (s: string): string => `<string>${xmlText(s)}</string>`;

export function renderPlist(input: RenderInput, e: ScheduleEntryInput): string {
  const { model, command } = e;
  const label = launchdLabel(model.profile, input.identity.short);
  const log = path.join(e.logDir, `launchd-${model.profile}.log`);
  const dict = (iv: Interval): string[] => ['<dict>', ...(['Weekday', 'Day', 'Hour', 'Minute'] as const)
    .filter((k) => iv[k] !== undefined).flatMap((k) => [`\t<key>${k}</key>`, `\t<integer>${iv[k]}</integer>`]), '</dict>'];
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    `<!-- ${markerText(input.identity, model.profile)} -->`,
    `<!-- Written by robocurse schedule sync for ${xmlText(input.identity.configPath).replace(/--/g, '- -')}: edits are overwritten. -->`,
    '<plist version="1.0">',
    '<dict>',
    '\t<key>Label</key>', `\t${str(label)}`,
    '\t<key>ProgramArguments</key>', '\t<array>', ...[command.executable, ...command.args].map((a) => `\t\t${str(a)}`), '\t</array>',
    '\t<key>WorkingDirectory</key>', `\t${str(command.workingDirectory)}`,
    '\t<key>StartCalendarInterval</key>', '\t<array>', ...calendarIntervals(model).flatMap(dict).map((l) => `\t\t${l}`), '\t</array>',
    // launchd discards a job's output unless told where to put it; the run's own log has the rest.
    '\t<key>StandardOutPath</key>', `\t${str(log)}`,
    '\t<key>StandardErrorPath</key>', `\t${str(log)}`,
    '</dict>',
    '</plist>',
    '',
  ];
  return lines.join('\n');
}
