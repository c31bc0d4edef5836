import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { packageRoot } from '../../../src/paths';
import { runCliLikeCron } from '../../helpers/cli-child';
import { makeTree, removeTemp, tempDir } from '../../helpers/make-tree';
import { selfSignedCert, type TestCert } from '../../helpers/self-signed-cert';
import { startSmtpServer, type TestSmtp } from '../../helpers/smtp';

const USER = 'robo-user@example.com';
const PASS = 'Pw-7f3a9c1e-S3cret!';
const PASS_ENV = 'ROBOCURSE_SEC_SMTP_PASS';
const FAKE_ROBOCOPY = path.join(packageRoot(), 'test', 'fixtures', 'fake-robocopy', 'robocopy');
const b64 = (s: string): string => Buffer.from(s).toString('base64');

/** Each encoding of the credentials that must never be written anywhere. */
const FORMS: Record<string, string> = {
  password: PASS,
  'base64 password': b64(PASS),
  'base64 user (AUTH LOGIN)': b64(USER),
  'AUTH PLAIN token': b64(`\u0000${USER}\u0000${PASS}`),
};

/** Every file under `dir`, read as text. */
function filesUnder(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!fs.existsSync(dir)) return out;
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) out[path.join(e.parentPath, e.name)] = fs.readFileSync(path.join(e.parentPath, e.name), 'latin1');
  }
  return out;
}

/**
 * Issue #14, item 5: the SMTP password never reaches stderr, the session or chunk logs, the SIEM
 * file or the summary in any encoding, even when the server rejects the login and echoes what it
 * received; and the environment variable holding it is not passed to engine children.
 */
describe('SMTP credentials never leak (security, real processes)', function () {
  this.timeout(120_000);
  let dir: string;
  let cert: TestCert;

  before(async () => {
    dir = tempDir('robocurse-smtp-');
    cert = await selfSignedCert(dir);
  });
  after(() => removeTemp(dir));

  for (const method of ['PLAIN', 'LOGIN']) {
    describe(`AUTH ${method} rejected by a server that echoes it`, () => {
      let smtp: TestSmtp;
      let work: string;
      before(async () => {
        smtp = await startSmtpServer({ cert: cert.cert, key: cert.key, user: USER, pass: PASS, echoAuth: true, authMethods: [method] });
        work = path.join(dir, method);
        makeTree(path.join(work, 'src'), { a: { 'f.txt': 'x' }, b: { 'g.txt': 'y' } });
        // Engine children dump their environment, then do their work.
        const dumps = path.join(work, 'env-dumps');
        fs.mkdirSync(dumps);
        for (const [name, target] of [['rsync-env', 'rsync'], ['robocopy-env', FAKE_ROBOCOPY]]) {
          fs.writeFileSync(path.join(work, name), `#!/bin/sh\nenv > '${dumps}/${name}-'$$\nexec '${target}' "$@"\n`, { mode: 0o755 });
        }
        fs.writeFileSync(path.join(work, 'robocurse.json'), JSON.stringify({
          version: 1,
          global: {
            stateDir: 'state', logDir: 'logs',
            plugins: [
              { use: 'siem', options: { jsonl: { dir: 'siem' } } },
              { use: 'email', options: { from: 'robocurse@example.com', to: ['ops@example.com'], host: '127.0.0.1', port: smtp.port, starttls: 'required',
                tls: { caFile: cert.certFile }, timeoutMs: 5000, auth: { user: USER, password: { env: PASS_ENV } } } },
            ],
          },
          profiles: {
            viaRsync: { source: 'src/a', destination: 'dst/a', engine: 'rsync', engineOptions: { rsync: { executable: path.join(work, 'rsync-env') } } },
            viaRobocopy: { source: 'src/b', destination: 'dst/b', engine: 'robocopy', engineOptions: { robocopy: { executable: path.join(work, 'robocopy-env') } } },
          },
        }));
      });
      after(async () => { await smtp?.stop(); });

      it('the run succeeds; no encoding of the credentials is in stderr, stdout, any log, the SIEM file; no engine child sees the variable', async () => {
        const r = await runCliLikeCron(['run', '--all', '--json', '--log-level', 'debug', '--config', path.join(work, 'robocurse.json')],
          { cwd: work, env: { [PASS_ENV]: PASS } });
        expect(r.code, r.stderr).to.equal(0);
        expect(r.summary).to.deep.include({ outcome: 'Success' });
        // The server really was asked, refused, and its echo reached robocurse's error handling.
        expect(smtp.authAttempts.map((a) => a.method)).to.include(method);
        expect(r.stderr).to.include('e-mail report could not be sent').and.include('5.7.8 rejected AUTH').and.include('***');

        const written: Record<string, string> = { stderr: r.stderr, stdout: r.stdout, ...filesUnder(path.join(work, 'logs')), ...filesUnder(path.join(work, 'siem')) };
        expect(Object.keys(written).some((f) => /robocurse-.*\.log$/.test(f)), 'a session log').to.equal(true);
        expect(Object.keys(written).some((f) => /siem.*\.jsonl$/.test(f)), 'a SIEM file').to.equal(true);
        for (const [where, text] of Object.entries(written)) {
          for (const [form, value] of Object.entries(FORMS)) expect(text.includes(value), `${form} in ${where}`).to.equal(false);
        }

        const dumps = filesUnder(path.join(work, 'env-dumps'));
        // Each engine ran (rsync also once for its version check); every run's environment is checked below.
        expect([...new Set(Object.keys(dumps).map((f) => path.basename(f).replace(/-\d+$/, '')))].sort()).to.deep.equal(['robocopy-env', 'rsync-env']);
        for (const [file, env] of Object.entries(dumps)) {
          expect(env, file).to.include('PATH=');
          expect(env.includes(PASS_ENV), `${PASS_ENV} in ${path.basename(file)}`).to.equal(false);
          expect(env.includes(PASS), `the password in ${path.basename(file)}`).to.equal(false);
        }
      });
    });
  }
});
