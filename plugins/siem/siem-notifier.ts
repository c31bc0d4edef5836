import * as os from 'node:os';
import type { Logger, Notifier, RunEvent } from '../../src/plugin';
import type { JsonlWriter } from './jsonl-writer';
import type { SiemOptions } from './options';
import { formatRfc5424 } from './rfc5424';
import { ecsRecord, flatDataFields, nativeRecord, siemFacts, SYSLOG_SEVERITY, type SessionOrigin, type SiemFacts } from './siem-record';
import type { SyslogSender } from './syslog-sender';

export interface SiemOutputs {
  jsonl?: JsonlWriter;
  syslog?: SyslogSender;
}

/**
 * Turns every run event into one SIEM record and hands it to each configured output. The JSON
 * Lines append is awaited (so a full disk shows up as a failed delivery); syslog sends are
 * queued and never wait for the network.
 */
export class SiemNotifier implements Notifier {
  readonly name = 'siem';
  private readonly origins = new Map<string, SessionOrigin>();
  private readonly fallback: SessionOrigin;

  constructor(private readonly options: SiemOptions, private readonly outputs: SiemOutputs, private readonly logger: Logger) {
    let user = 'unknown';
    try { user = os.userInfo().username; } catch { /* no passwd entry (containers): keep 'unknown' */ }
    this.fallback = { host: options.syslog?.hostname ?? os.hostname(), user };
  }

  async onEvent(event: RunEvent): Promise<void> {
    if (event.type === 'SessionStart') this.origins.set(event.sessionId, { host: event.data.host, user: event.data.user });
    const facts = siemFacts(event, this.origins.get(event.sessionId) ?? this.fallback, this.options.redactPaths, this.options.redactSalt);
    if (event.type === 'SessionEnd') this.origins.delete(event.sessionId);
    const record = this.options.fieldNames === 'ecs' ? ecsRecord(facts) : nativeRecord(facts);
    if (this.outputs.syslog) this.outputs.syslog.send(this.syslogMessage(facts, record));
    if (this.outputs.jsonl) await this.outputs.jsonl.append(event.timestamp, record);
  }

  /** Notifier contract: see flushAndCount. */
  async flush(): Promise<void> {
    await this.flushAndCount();
  }

  /**
   * Closes the JSON Lines file and gives the syslog server `flushTimeoutMs` to take what is
   * queued. Resolves with the number of syslog messages dropped in this notifier's life (also
   * logged as a warning when not zero).
   */
  async flushAndCount(): Promise<number> {
    await this.outputs.jsonl?.close();
    const dropped = (await this.outputs.syslog?.flush(this.options.flushTimeoutMs)) ?? 0;
    if (dropped > 0) {
      const s = this.options.syslog!;
      this.logger.warn({ dropped, host: s.host, port: s.port, protocol: s.protocol }, `${dropped} SIEM event(s) could not be delivered to the syslog server`);
    }
    return dropped;
  }

  private syslogMessage(facts: SiemFacts, record: Record<string, unknown>): string {
    const s = this.options.syslog!;
    const core: Record<string, unknown> = { sessionId: facts.sessionId, seq: facts.seq, eventType: facts.eventType, severity: facts.level, host: facts.host, user: facts.user };
    return formatRfc5424(
      {
        facility: s.facility, severity: SYSLOG_SEVERITY[facts.level], timestamp: facts.timestamp,
        hostname: s.hostname ?? facts.host, appName: s.appName, procId: String(process.pid), msgId: s.msgId ?? facts.eventType,
      },
      { id: s.sdId, params: [...Object.entries(core), ...flatDataFields(facts, core)] },
      JSON.stringify(record),
    );
  }
}
