import { simpleParser, type ParsedMail } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface TestSmtpOptions {
  cert: Buffer;
  key: Buffer;
  user: string;
  pass: string;
  /** Answer every AUTH with 535, whatever the credentials. */
  refuseAuth?: boolean;
  /**
   * Refuse every AUTH with a 535 that echoes what the client sent, the way some servers quote
   * the rejected command: the AUTH PLAIN token, the AUTH LOGIN lines (base64 user and password)
   * and the decoded user and password.
   */
  echoAuth?: boolean;
  /** AUTH mechanisms offered (default PLAIN and LOGIN). */
  authMethods?: string[];
}

const b64 = (s: string): string => Buffer.from(s).toString('base64');

/** A real SMTP server on 127.0.0.1 (smtp-server) that requires STARTTLS then AUTH, and parses what it receives. */
export interface TestSmtp {
  port: number;
  received: ParsedMail[];
  /** Every AUTH attempt, with whether it was accepted (passwords are not kept). */
  authAttempts: { user: string; accepted: boolean; method: string }[];
  /** Whether each accepted message came over TLS. */
  secureSessions: boolean[];
  waitForMessages(count: number, timeoutMs?: number): Promise<ParsedMail[]>;
  stop(): Promise<void>;
}

export async function startSmtpServer(opts: TestSmtpOptions): Promise<TestSmtp> {
  const received: ParsedMail[] = [];
  const authAttempts: { user: string; accepted: boolean; method: string }[] = [];
  const secureSessions: boolean[] = [];
  const server = new SMTPServer({
    key: opts.key,
    cert: opts.cert,
    secure: false,
    // AUTH is only offered after STARTTLS (allowInsecureAuth false), as on a real relay.
    allowInsecureAuth: false,
    authMethods: opts.authMethods ?? ['PLAIN', 'LOGIN'],
    logger: false,
    onAuth(auth, _session, callback) {
      const accepted = !opts.refuseAuth && !opts.echoAuth && auth.username === opts.user && auth.password === opts.pass;
      authAttempts.push({ user: auth.username ?? '', accepted, method: auth.method });
      if (opts.echoAuth) {
        const user = auth.username ?? '';
        const pass = auth.password ?? '';
        const sent = auth.method === 'PLAIN' ? `AUTH PLAIN ${b64(`\u0000${user}\u0000${pass}`)}` : `AUTH LOGIN / ${b64(user)} / ${b64(pass)}`;
        return callback(new Error(`5.7.8 rejected ${sent} (user ${user}, password ${pass})`));
      }
      if (!accepted) return callback(new Error('Invalid username or password'));
      return callback(null, { user: auth.username });
    },
    onData(stream, session, callback) {
      simpleParser(stream).then((mail) => {
        received.push(mail);
        secureSessions.push(session.secure);
        callback();
      }, (err: Error) => callback(err));
    },
  });
  server.on('error', () => undefined); // client disconnects in refusal tests are expected
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = ((server as unknown as { server: { address(): AddressInfo } }).server.address()).port;
  return {
    port, received, authAttempts, secureSessions,
    async waitForMessages(count: number, timeoutMs = 10000): Promise<ParsedMail[]> {
      const until = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > until) throw new Error(`expected ${count} messages, got ${received.length}`);
        await new Promise((r) => setTimeout(r, 25));
      }
      return received;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
