import * as fs from 'node:fs';
import * as path from 'node:path';
import * as nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { declareNotifier } from '../../src/plugin';
import { EmailNotifier } from './email-notifier';
import { emailOptionsSchema, type EmailOptions } from './options';
import { credentialForms, scrubbingLogger } from './scrubber';
import { resolveSecret } from './secret';

export type { EmailOptions, SecretRef } from './options';
export { EmailNotifier } from './email-notifier';

/** nodemailer SMTP settings for the options; `pass` is the resolved password, if any. */
export function smtpSettings(o: EmailOptions, configDir: string, pass: string | undefined): SMTPTransport.Options {
  return {
    host: o.host,
    port: o.port ?? (o.secure ? 465 : 587),
    secure: o.secure,
    requireTLS: !o.secure && o.starttls === 'required',
    ignoreTLS: !o.secure && o.starttls === 'disabled',
    auth: o.auth && pass !== undefined ? { user: o.auth.user, pass } : undefined,
    tls: {
      ca: o.tls.caFile ? fs.readFileSync(path.resolve(configDir, o.tls.caFile)) : undefined,
      rejectUnauthorized: o.tls.rejectUnauthorized,
      servername: o.tls.servername,
    },
    connectionTimeout: o.timeoutMs,
    greetingTimeout: o.timeoutMs,
    socketTimeout: o.timeoutMs,
    // nodemailer's own logger would print the AUTH exchange (base64 password): keep it off.
    logger: false,
    debug: false,
    // Content comes only from our renderers; never let a message pull in files or URLs.
    disableFileAccess: true,
    disableUrlAccess: true,
  };
}

/** The built-in `email` notifier (see docs/email.md). */
export const plugins = [
  declareNotifier<EmailOptions>({
    name: 'email',
    version: '1.0.0',
    apiVersion: '^1.0.0',
    optionsSchema: emailOptionsSchema as unknown as Record<string, unknown>,
    create({ options, logger, configDir }) {
      const pass = options.auth ? resolveSecret(options.auth.password, configDir, 'auth.password') : undefined;
      const forms = options.auth && pass !== undefined ? credentialForms({ user: options.auth.user, pass }) : [];
      const transport = nodemailer.createTransport(smtpSettings(options, configDir, pass));
      return new EmailNotifier(options, (mail) => transport.sendMail(mail), scrubbingLogger(logger, forms), forms);
    },
  }),
];
