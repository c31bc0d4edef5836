/**
 * Sends formatted syslog messages somewhere. `send` never blocks and never throws: a message
 * that cannot be delivered is queued (bounded) or counted as dropped.
 */
export interface SyslogSender {
  send(message: string): void;
  /**
   * Tries to deliver what is queued for up to `timeoutMs`, counts what is left as dropped,
   * closes the connection and resolves with the total number of messages dropped so far.
   * Never rejects; idempotent; a later send() reconnects.
   */
  flush(timeoutMs: number): Promise<number>;
  /** Messages dropped so far. */
  dropped(): number;
}
