import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Notifier, RunEvent, RunEventType } from '../../src/api';
import { instantiatePlugins } from '../../src/plugins/instantiate';
import { loadPlugins } from '../../src/plugins/loader';
import { recordingLogger } from '../helpers/recording-logger';
import { startFramedSyslogReceiver, syslogJson } from '../helpers/rsyslog';
import { runNotifierContract } from './notifier-contract';

/** Builds the built-in siem notifier the way a run does: load, validate, create. */
async function siem(options: Record<string, unknown>, configDir: string): Promise<Notifier> {
  const logger = recordingLogger();
  const signal = new AbortController().signal;
  const { plugins, problems } = await loadPlugins([{ use: 'siem', options, jsonPath: 'global.plugins[0]' }], { configDir, logger, signal });
  if (problems.length) throw new Error(JSON.stringify(problems));
  return (await instantiatePlugins(plugins, { logger, signal, configDir })).notifiers[0];
}

/** A native record back in RunEvent shape (the contract compares identity and order). */
function asEvent(r: Record<string, unknown>): RunEvent {
  return { type: r.eventType as RunEventType, sessionId: r.sessionId as string, seq: r.seq as number, timestamp: r.timestamp as string, data: {} } as RunEvent;
}

runNotifierContract('siem (JSON Lines file)', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'siem-contract-'));
  const notifier = await siem({ jsonl: { dir: 'events' } }, dir);
  return {
    notifier,
    received: async () => {
      const eventsDir = path.join(dir, 'events');
      return fs.readdirSync(eventsDir).sort().flatMap((f) => fs.readFileSync(path.join(eventsDir, f), 'utf8').trimEnd().split('\n'))
        .map((l) => asEvent(JSON.parse(l) as Record<string, unknown>));
    },
    cleanup: async () => fs.rmSync(dir, { recursive: true, force: true }),
  };
});

runNotifierContract('siem (syslog over TCP, ECS field names)', async () => {
  const receiver = await startFramedSyslogReceiver();
  const notifier = await siem({ syslog: { host: '127.0.0.1', port: receiver.port, protocol: 'tcp' }, fieldNames: 'ecs' }, os.tmpdir());
  return {
    notifier,
    received: async () => receiver.messages.map((m) => {
      const r = syslogJson(m) as { '@timestamp': string; event: { action: RunEventType; sequence: number }; labels: { session_id: string } };
      return { type: r.event.action, sessionId: r.labels.session_id, seq: r.event.sequence, timestamp: r['@timestamp'], data: {} } as RunEvent;
    }),
    cleanup: () => receiver.stop(),
  };
});
