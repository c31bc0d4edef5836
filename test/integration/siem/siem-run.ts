import type { RunEvent } from '../../../src/api';
import { NotifierHub } from '../../../src/notify/notifier-hub';
import { instantiatePlugins } from '../../../src/plugins/instantiate';
import { loadPlugins } from '../../../src/plugins/loader';
import type { SiemNotifier } from '../../../plugins/siem/siem-notifier';
import { makeEvent, sampleEvents } from '../../contract/sample-events';
import { recordingLogger, type RecordingLogger } from '../../helpers/recording-logger';

/**
 * Events of a simulated run of two sessions (as two robocurse processes sharing one collector
 * would produce), interleaved, with progress events in between.
 */
export function simulatedRun(): RunEvent[] {
  const a = sampleEvents('session-a');
  const b = sampleEvents('session-b', Date.UTC(2024, 4, 17, 8, 30, 0, 500));
  const withProgress = (events: RunEvent[], sid: string): RunEvent[] => {
    const out: RunEvent[] = [];
    let seq = 0;
    for (const e of events) {
      out.push({ ...e, seq: ++seq } as RunEvent);
      if (e.type === 'ChunkStart') {
        for (let i = 1; i <= 10; i++) {
          out.push(makeEvent('ChunkProgress', { profile: 'docs', chunkId: 'docs:tree:finance', bytesCopied: i * 1000, filesCopied: i }, sid, ++seq, Date.parse(e.timestamp) + i));
        }
      }
    }
    return out;
  };
  const sa = withProgress(a, 'session-a');
  const sb = withProgress(b, 'session-b');
  const out: RunEvent[] = [];
  for (let i = 0; i < Math.max(sa.length, sb.length); i++) {
    if (sa[i]) out.push(sa[i]);
    if (sb[i]) out.push(sb[i]);
  }
  return out;
}

/** The siem plugin loaded and built as a run does, behind a real NotifierHub. */
export async function siemBehindHub(options: Record<string, unknown>, configDir: string): Promise<{ hub: NotifierHub; siem: SiemNotifier; logger: RecordingLogger }> {
  const logger = recordingLogger();
  const signal = new AbortController().signal;
  const { plugins, problems } = await loadPlugins([{ use: 'siem', options, jsonPath: 'global.plugins[0]' }], { configDir, logger, signal });
  if (problems.length) throw new Error(JSON.stringify(problems));
  const { notifiers } = await instantiatePlugins(plugins, { logger, signal, configDir });
  return { hub: new NotifierHub(notifiers, { timeoutMs: 5000, logger }), siem: notifiers[0] as SiemNotifier, logger };
}

/** Parses `[id k="v" ...]` of an RFC 5424 message, undoing the PARAM-VALUE escapes. */
export function structuredData(message: string): { id: string; params: Record<string, string> } {
  const m = /^<\d{1,3}>1 \S+ \S+ \S+ \S+ \S+ \[(\S+)((?: [^=\s\]"]+="(?:[^"\\\]]|\\["\\\]])*")*)\] /.exec(message);
  if (!m) throw new Error(`not an RFC 5424 message with one SD element: ${message}`);
  const params: Record<string, string> = {};
  for (const p of m[2].matchAll(/ ([^=\s\]"]+)="((?:[^"\\\]]|\\["\\\]])*)"/g)) params[p[1]] = p[2].replace(/\\(["\\\]])/g, '$1');
  return { id: m[1], params };
}
