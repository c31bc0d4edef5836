import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EmailNotifier, type OutgoingMail } from '../../../../plugins/email/email-notifier';
import type { EmailOptions } from '../../../../plugins/email/options';
import { credentialForms, scrubbingLogger, scrubText, scrubValue } from '../../../../plugins/email/scrubber';
import { resolveSecret } from '../../../../plugins/email/secret';
import { deliver } from '../../../contract/notifier-contract';
import { makeEvent, sampleEvents } from '../../../contract/sample-events';
import { recordingLogger } from '../../../helpers/recording-logger';

const options: EmailOptions = {
  when: 'always', from: 'robocurse@example.com', to: ['ops@example.com'], subjectPrefix: '[rc]', host: 'smtp.example.com',
  secure: false, starttls: 'required', tls: { rejectUnauthorized: true }, maxListedFailures: 1, timeoutMs: 1000, priorityOnFailure: true,
};

describe('email: EmailNotifier', () => {
  it('sends exactly one report per run, at SessionEnd, with the failed-files attachment when the list is long', async () => {
    const sent: OutgoingMail[] = [];
    const n = new EmailNotifier(options, async (m) => { sent.push(m); }, recordingLogger());
    await deliver(n, sampleEvents('s1'));
    await n.flush();
    expect(sent).to.have.length(1);
    expect(sent[0].subject).to.equal('[rc] Failed: docs on fs01');
    expect(sent[0].to).to.deep.equal(['ops@example.com']);
    expect(sent[0].attachments.map((a) => a.filename)).to.deep.equal(['failed-files.csv']);
    // The run's Warning events are in the report.
    expect(sent[0].text).to.include('Warnings (1):\n- [docs] SNAPSHOT_FALLBACK: cannot create a btrfs snapshot; copying from the live tree');
    expect(sent[0].html).to.include('<b>SNAPSHOT_FALLBACK</b>');
  });

  it('marks the report high priority for a Failed or Error run only, unless priorityOnFailure is off', async () => {
    const end = (outcome: 'Success' | 'Warning' | 'Failed' | 'Error' | 'Stopped') =>
      makeEvent('SessionEnd', { outcome, exitCode: 0, durationMs: 1, filesCopied: 0, bytesCopied: 0, chunksFailed: 0, profiles: [] }, `s-${outcome}`, 1, 0);
    const priorities = async (o: EmailOptions): Promise<Array<string | undefined>> => {
      const sent: OutgoingMail[] = [];
      const n = new EmailNotifier(o, async (m) => { sent.push(m); }, recordingLogger());
      await deliver(n, (['Success', 'Warning', 'Failed', 'Error', 'Stopped'] as const).map(end));
      await n.flush();
      return sent.map((m) => m.priority);
    };
    expect(await priorities(options)).to.deep.equal([undefined, undefined, 'high', 'high', undefined]);
    expect(await priorities({ ...options, priorityOnFailure: false })).to.deep.equal([undefined, undefined, undefined, undefined, undefined]);
  });

  it('sends nothing when `when` does not ask for this outcome', async () => {
    const sent: OutgoingMail[] = [];
    const n = new EmailNotifier({ ...options, when: 'failure' }, async (m) => { sent.push(m); }, recordingLogger());
    const end = makeEvent('SessionEnd', { outcome: 'Warning', exitCode: 1, durationMs: 1, filesCopied: 0, bytesCopied: 0, chunksFailed: 0, profiles: [] }, 's', 1, 0);
    await deliver(n, [end]);
    await n.flush();
    expect(sent).to.deep.equal([]);
  });

  it('returns from SessionEnd at once; flush waits for the send', async () => {
    let release!: () => void;
    const n = new EmailNotifier(options, () => new Promise<void>((r) => { release = r; }), recordingLogger());
    const end = sampleEvents('s').at(-1)!;
    await deliver(n, [end]);
    let flushed = false;
    const f = n.flush().then(() => { flushed = true; });
    await new Promise((r) => setTimeout(r, 10));
    expect(flushed).to.equal(false);
    release();
    await f;
    expect(flushed).to.equal(true);
  });

  it('logs a failed send without the password in any form, and flush still resolves', async () => {
    const secret = 'S3cret-pa55';
    const b64 = Buffer.from(secret).toString('base64');
    const logger = recordingLogger();
    const n = new EmailNotifier(options, async () => {
      throw Object.assign(new Error(`Invalid login: 535 auth failed for ${secret} (${b64})`), { code: 'EAUTH', responseCode: 535, command: 'AUTH PLAIN', response: `535 ${b64}` });
    }, logger, credentialForms({ user: 'u', pass: secret }));
    await deliver(n, sampleEvents('s'));
    await n.flush();
    const err = logger.lines.find((l) => l.level === 'error');
    expect(err?.msg).to.equal('e-mail report could not be sent');
    expect(err?.obj.err).to.deep.include({ code: 'EAUTH', responseCode: 535 });
    expect(logger.text()).not.to.include(secret).and.not.to.include(b64);
  });
});

describe('email: secrets', () => {
  it('reads a password from the environment or from a file relative to the config folder', () => {
    process.env.ROBOCURSE_TEST_SMTP_PASS = 'from-env';
    try {
      expect(resolveSecret({ env: 'ROBOCURSE_TEST_SMTP_PASS' }, '/', 'auth.password')).to.equal('from-env');
    } finally {
      delete process.env.ROBOCURSE_TEST_SMTP_PASS;
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'secret-'));
    fs.mkdirSync(path.join(dir, 'secrets'));
    fs.writeFileSync(path.join(dir, 'secrets', 'smtp'), 'from-file\n');
    expect(resolveSecret({ file: 'secrets/smtp' }, dir, 'auth.password')).to.equal('from-file');
  });

  it('says where it looked when the secret is missing, without any value', () => {
    expect(() => resolveSecret({ env: 'ROBOCURSE_TEST_NOPE' }, '/', 'auth.password')).to.throw('auth.password: environment variable ROBOCURSE_TEST_NOPE is not set');
    expect(() => resolveSecret({ file: 'nope' }, '/tmp', 'auth.password')).to.throw(/auth\.password: cannot read \/tmp\/nope: ENOENT/);
  });

  const b64 = (s: string): string => Buffer.from(s).toString('base64');
  const creds = { user: 'robo@example.com', pass: 'S3cret-pa55word' };

  it('scrubs the password, its base64, the base64 user name and the AUTH PLAIN token from text', () => {
    const forms = credentialForms(creds);
    const text = [creds.pass, b64(creds.pass), b64(creds.user), b64(`\u0000${creds.user}\u0000${creds.pass}`), b64(`${creds.user}\u0000${creds.user}\u0000${creds.pass}`),
      encodeURIComponent(creds.pass)].join(' | ');
    expect(scrubText(text, forms)).to.equal('*** | *** | *** | *** | *** | ***');
    expect(scrubText('AUTH PLAIN ok, user robo@example.com', forms)).to.equal('AUTH PLAIN ok, user robo@example.com');
  });

  it('finds the password inside any base64 text, at every byte offset', () => {
    const forms = credentialForms(creds);
    for (const prefix of ['', 'x', 'xy', 'xyz', '\u0000another-user\u0000']) {
      const token = b64(`${prefix}${creds.pass}!`);
      expect(scrubText(`AUTH PLAIN ${token}`, forms), JSON.stringify(prefix)).not.to.equal(`AUTH PLAIN ${token}`);
    }
  });

  it('scrubs every field of an error object, nested, and never keeps the stack', () => {
    const forms = credentialForms(creds);
    const err = Object.assign(new Error(`Invalid login: 535 ${b64(creds.pass)}`), { response: `535 ${creds.pass}`, nested: { list: [b64(creds.user)] } });
    const out = scrubValue({ err }, forms) as { err: Record<string, unknown> };
    expect(JSON.stringify(out)).not.to.include(creds.pass).and.not.to.include(b64(creds.pass)).and.not.to.include(b64(creds.user));
    expect(out.err).to.deep.include({ name: 'Error', message: 'Invalid login: 535 ***', response: '535 ***' });
    expect(out.err).not.to.have.property('stack');
  });

  it('the scrubbing logger scrubs messages, objects and child bindings', () => {
    const inner = recordingLogger();
    const log = scrubbingLogger(inner, credentialForms(creds));
    log.child({ pw: creds.pass }).warn({ reply: b64(creds.pass) }, `said ${creds.pass}`);
    expect(inner.text()).not.to.include(creds.pass).and.not.to.include(b64(creds.pass));
  });
});
