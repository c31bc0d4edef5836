/** A password given by reference: never inline in the config. */
export type SecretRef = { env: string } | { file: string };

export interface EmailOptions {
  /** always: every run; failure: outcome Failed/Error; warningOrFailure: anything but Success. */
  when: 'always' | 'failure' | 'warningOrFailure';
  from: string;
  to: string[];
  subjectPrefix: string;
  host: string;
  /** Default 465 when `secure`, else 587. */
  port?: number;
  /** Implicit TLS from the first byte (SMTPS, usually port 465). */
  secure: boolean;
  /** required: refuse to send without STARTTLS; opportunistic: use it when offered; disabled. */
  starttls: 'required' | 'opportunistic' | 'disabled';
  tls: { caFile?: string; rejectUnauthorized: boolean; servername?: string };
  auth?: { user: string; password: SecretRef };
  /** Failed chunks and files listed in the body; a longer list goes into an attachment. */
  maxListedFailures: number;
  /** Connection, greeting and socket timeout of the SMTP client. */
  timeoutMs: number;
  /** Mark the report of a Failed/Error run high priority (X-Priority: 1, Importance: High). */
  priorityOnFailure: boolean;
}

// Header fields must never carry CR or LF: a newline in a subject or address would let a
// config value (or anything that reaches it) add headers or recipients.
const HEADER_SAFE = '^[^\\r\\n]*$';
const headerText = { type: 'string', pattern: HEADER_SAFE, 'x-message': 'expected a single line of text (CR/LF would allow header injection)' };
const address = {
  type: 'string', minLength: 3, pattern: '^[^\\r\\n]*@[^\\r\\n]*$',
  'x-message': "expected one e-mail address on a single line, like 'ops@example.com' or 'Ops <ops@example.com>'",
};

/** JSON Schema (draft-07) of the email plugin's options. */
export const emailOptionsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['from', 'to', 'host'],
  properties: {
    when: { enum: ['always', 'failure', 'warningOrFailure'], default: 'always' },
    from: address,
    to: { type: 'array', minItems: 1, items: address },
    subjectPrefix: { ...headerText, maxLength: 100, default: '[robocurse]' },
    host: { ...headerText, minLength: 1 },
    port: { type: 'integer', minimum: 1, maximum: 65535 },
    secure: { type: 'boolean', default: false },
    starttls: { enum: ['required', 'opportunistic', 'disabled'], default: 'required' },
    tls: {
      type: 'object', additionalProperties: false, default: {},
      properties: {
        caFile: { type: 'string', minLength: 1 },
        rejectUnauthorized: { type: 'boolean', default: true },
        servername: { type: 'string', minLength: 1 },
      },
    },
    auth: {
      type: 'object', additionalProperties: false, required: ['user', 'password'],
      properties: {
        user: { ...headerText, minLength: 1 },
        password: {
          writeOnly: true,
          'x-message': 'expected a secret reference {"env": "NAME"} or {"file": "path"} (never the password inline)',
          oneOf: [
            { type: 'object', additionalProperties: false, required: ['env'], properties: { env: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' } } },
            { type: 'object', additionalProperties: false, required: ['file'], properties: { file: { type: 'string', minLength: 1 } } },
          ],
        },
      },
    },
    maxListedFailures: { type: 'integer', minimum: 0, default: 20 },
    timeoutMs: { type: 'integer', minimum: 1, default: 30000 },
    priorityOnFailure: { type: 'boolean', default: true },
  },
} as const;
