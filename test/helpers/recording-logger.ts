import type { Logger } from '../../src/api';

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  obj: Record<string, unknown>;
  msg?: string;
  bindings: Record<string, unknown>;
}

/** A Logger that keeps every line (children share the list), so tests can read what was logged. */
export interface RecordingLogger extends Logger {
  lines: LogLine[];
  /** Every line serialised, for "never logs X" checks. */
  text(): string;
}

export function recordingLogger(bindings: Record<string, unknown> = {}, lines: LogLine[] = []): RecordingLogger {
  const log = (level: LogLine['level']) => (obj: object | string, msg?: string): void => {
    lines.push(typeof obj === 'string' ? { level, obj: {}, msg: obj, bindings } : { level, obj: obj as Record<string, unknown>, msg, bindings });
  };
  return {
    lines,
    debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error'),
    child: (b) => recordingLogger({ ...bindings, ...b }, lines),
    text: () => lines.map((l) => JSON.stringify(l)).join('\n'),
  };
}
