import * as os from 'node:os';
import type { Logger, Notifier, RunEvent } from '../../src/plugin';
import { failuresCsv } from './failures-csv';
import type { EmailOptions } from './options';
import { renderHtml } from './render-html';
import { renderText } from './render-text';
import { buildReport, subjectOf, wantsReport, type FailedFileEvent, type RunOrigin, type RunWarning } from './report-model';
import { scrubValue } from './scrubber';

const MAX_WARNINGS = 100;
/**
 * Failed files kept for the CSV per session (~200 bytes each): enough for any run an admin would
 * read a list of; past it the CSV says how many more there are (history --failed-files has all).
 */
const MAX_FAILED_FILES = 1_000_000;

/** A message as handed to the SMTP client (the subset of nodemailer's options we use). */
export interface OutgoingMail {
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  attachments: { filename: string; content: string; contentType: string }[];
  /** nodemailer writes 'high' as X-Priority: 1 (Highest), X-MSMail-Priority: High, Importance: High. */
  priority?: 'high';
}

/** Sends one message; rejects when the server refuses it or cannot be reached. */
export type MailSend = (mail: OutgoingMail) => Promise<unknown>;

/**
 * Sends one completion report per run, on SessionEnd. The send runs in the background (the hub
 * time-limits handlers, and an SMTP exchange can be slower than that); flush() waits for it. A
 * failed send is logged, never thrown: the run's outcome does not depend on the mail server.
 */
export class EmailNotifier implements Notifier {
  readonly name = 'email';
  private readonly origins = new Map<string, RunOrigin>();
  private readonly warnings = new Map<string, RunWarning[]>();
  private readonly failedFiles = new Map<string, { files: FailedFileEvent[]; dropped: number }>();
  private readonly pending = new Set<Promise<void>>();

  /**
   * @param secretForms every form of the SMTP credentials (credentialForms); scrubbed from what
   *   this notifier logs, on top of the scrubbing logger the plugin factory gives it
   */
  constructor(private readonly options: EmailOptions, private readonly send: MailSend, private readonly logger: Logger, private readonly secretForms: readonly string[] = []) {}

  onSessionStart(event: RunEvent<'SessionStart'>): void {
    const d = event.data;
    this.origins.set(event.sessionId, { host: d.host, user: d.user, version: d.version, dryRun: d.dryRun, startedAt: event.timestamp });
  }

  /** Kept for the report (bounded: a run that warns per file must not grow memory). */
  onWarning(event: RunEvent<'Warning'>): void {
    const list = this.warnings.get(event.sessionId) ?? [];
    if (list.length < MAX_WARNINGS) list.push({ ...event.data });
    this.warnings.set(event.sessionId, list);
  }

  /** Every file still failing at the end of its chunk, for the CSV attachment (all of them, up to MAX_FAILED_FILES). */
  onFileFailed(event: RunEvent<'FileFailed'>): void {
    const kept = this.failedFiles.get(event.sessionId) ?? { files: [], dropped: 0 };
    if (kept.files.length < MAX_FAILED_FILES) kept.files.push({ ...event.data }); else kept.dropped++;
    this.failedFiles.set(event.sessionId, kept);
  }

  onSessionEnd(event: RunEvent<'SessionEnd'>): void {
    const origin = this.origins.get(event.sessionId);
    const warnings = this.warnings.get(event.sessionId) ?? [];
    const failed = this.failedFiles.get(event.sessionId) ?? { files: [], dropped: 0 };
    this.origins.delete(event.sessionId);
    this.warnings.delete(event.sessionId);
    this.failedFiles.delete(event.sessionId);
    if (!wantsReport(this.options.when, event.data.outcome)) {
      this.logger.debug({ outcome: event.data.outcome, when: this.options.when }, 'no e-mail report for this outcome');
      return;
    }
    const report = buildReport(event.sessionId, event.timestamp, event.data, os.hostname(), origin, warnings, failed.files);
    if (failed.dropped > 0) report.failures.push({ profile: '', chunkId: '', source: '', exitCode: 0, retryCount: 0, message: `... and ${failed.dropped} more failed files: robocurse history --failed-files ${event.sessionId}` });
    const max = this.options.maxListedFailures;
    const mail: OutgoingMail = {
      from: this.options.from,
      to: this.options.to,
      subject: subjectOf(this.options.subjectPrefix, report),
      text: renderText(report, max),
      html: renderHtml(report, max),
      // Every failed file is in the CSV, also when the body lists them all.
      attachments: report.failures.length > max || report.fileRows > 0
        ? [{ filename: 'failed-files.csv', content: failuresCsv(report.failures), contentType: 'text/csv; charset=utf-8' }]
        : [],
      // A failed night should stand out in the inbox; the same test as `when: failure`.
      ...(this.options.priorityOnFailure && wantsReport('failure', event.data.outcome) ? { priority: 'high' as const } : {}),
    };
    const sending = this.deliver(mail, event.sessionId);
    this.pending.add(sending);
    void sending.finally(() => this.pending.delete(sending));
  }

  /** Waits for reports being sent. Never rejects; idempotent. */
  async flush(): Promise<void> {
    await Promise.all([...this.pending]);
  }

  private async deliver(mail: OutgoingMail, sessionId: string): Promise<void> {
    try {
      await this.send(mail);
      this.logger.info({ sessionId, to: mail.to, subject: mail.subject }, 'e-mail report sent');
    } catch (err) {
      const e = err as Error & { code?: string; responseCode?: number; command?: string; response?: string };
      // SMTP errors quote the server's reply, which can echo the AUTH exchange (base64 user,
      // password, AUTH PLAIN token): the credentials must not reach the log in any form.
      this.logger.error({
        sessionId, host: this.options.host, port: this.options.port,
        err: scrubValue({ message: String(e?.message ?? e), code: e?.code, responseCode: e?.responseCode, command: e?.command, response: e?.response }, this.secretForms),
      }, 'e-mail report could not be sent');
    }
  }
}
