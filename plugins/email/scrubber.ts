import type { Logger } from '../../src/plugin';

/** The SMTP login, resolved at start-up. */
export interface SmtpCredentials {
  user: string;
  pass: string;
}

const b64 = (s: string | Buffer): string => Buffer.from(s).toString('base64');

/**
 * The password as it sits inside any longer base64 text: base64 packs 3 bytes into 4 characters,
 * so how the password's bytes are encoded depends on where they start (offset mod 3). For each of
 * the three offsets, the characters that depend on the password alone are the same wherever the
 * text is; they catch the password inside an AUTH PLAIN token of any user name or authorization
 * identity, or inside anything else a server chooses to echo. Only long enough runs are used, so
 * scrubbing never eats ordinary words.
 */
function base64Fragments(pass: Buffer): string[] {
  const out: string[] = [];
  for (let k = 0; k < 3; k++) {
    const enc = b64(Buffer.concat([Buffer.alloc(k), pass]));
    const from = Math.ceil((8 * k) / 6);
    const to = Math.floor((8 * (k + pass.length)) / 6);
    if (to - from >= 8) out.push(enc.slice(from, to));
  }
  return out;
}

/**
 * Every form in which the SMTP credentials travel or get quoted: the password; base64 of the
 * password and of the user name (the AUTH LOGIN lines); the AUTH PLAIN token (base64 of
 * `\0user\0password`, and of `user\0user\0password` with an authorization identity); the
 * password inside any base64 text; its URL- and JSON-escaped forms. Longest first, so a longer
 * form is replaced before a shorter one it contains.
 */
export function credentialForms(c: SmtpCredentials): string[] {
  const pass = Buffer.from(c.pass, 'utf8');
  const forms = new Set<string>([
    c.pass, b64(c.pass), b64(c.user),
    b64(`\u0000${c.user}\u0000${c.pass}`), b64(`${c.user}\u0000${c.user}\u0000${c.pass}`),
    ...base64Fragments(pass),
    encodeURIComponent(c.pass), JSON.stringify(c.pass).slice(1, -1),
  ]);
  return [...forms].filter((f) => f.length > 0).sort((a, b) => b.length - a.length);
}

/** `text` with every form replaced by `***`. */
export function scrubText(text: string, forms: readonly string[]): string {
  let out = text;
  for (const f of forms) if (out.includes(f)) out = out.split(f).join('***');
  return out;
}

/**
 * A copy of `value` safe to log: strings scrubbed, arrays and objects walked, and Errors turned
 * into plain objects (message, name, code and every own field such as nodemailer's `response`
 * and `command`), so no property of an SMTP error escapes the scrubbing.
 */
export function scrubValue(value: unknown, forms: readonly string[], depth = 0): unknown {
  if (typeof value === 'string') return scrubText(value, forms);
  if (value === null || typeof value !== 'object' || depth > 8) return value;
  if (Array.isArray(value)) return value.map((v) => scrubValue(v, forms, depth + 1));
  const out: Record<string, unknown> = {};
  if (value instanceof Error) {
    out.name = value.name;
    out.message = scrubText(value.message, forms);
  }
  for (const [k, v] of Object.entries(value)) {
    if (k === 'stack') continue;
    out[k] = scrubValue(v, forms, depth + 1);
  }
  return out;
}

/**
 * A Logger that scrubs every line before it reaches the real one: the email plugin logs through
 * it, so whatever an SMTP error, a server reply or a future log line quotes, the credentials
 * never reach stderr, the session log or anything downstream of the logger.
 */
export function scrubbingLogger(inner: Logger, forms: readonly string[]): Logger {
  const wrap = (level: 'debug' | 'info' | 'warn' | 'error') => (obj: object | string, msg?: string): void => {
    const o = scrubValue(obj, forms) as object | string;
    if (msg === undefined) inner[level](o);
    else inner[level](o, scrubText(msg, forms));
  };
  return {
    debug: wrap('debug'), info: wrap('info'), warn: wrap('warn'), error: wrap('error'),
    child: (bindings) => scrubbingLogger(inner.child(scrubValue(bindings, forms) as Record<string, unknown>), forms),
  };
}
