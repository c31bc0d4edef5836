import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { instantiatePlugins } from '../../src/plugins/instantiate';
import { loadPlugins } from '../../src/plugins/loader';
import { recordingLogger } from '../helpers/recording-logger';
import { selfSignedCert } from '../helpers/self-signed-cert';
import { startSmtpServer } from '../helpers/smtp';
import { runNotifierContract } from './notifier-contract';

// The email notifier sends one summary per run, not one message per event: no `received`.
runNotifierContract('email (SMTP with STARTTLS and auth)', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'email-contract-'));
  const cert = await selfSignedCert(dir);
  fs.writeFileSync(path.join(dir, 'smtp-pass'), 'contract-pass\n');
  const server = await startSmtpServer({ cert: cert.cert, key: cert.key, user: 'robocurse', pass: 'contract-pass' });
  const options = {
    from: 'robocurse@example.com', to: ['ops@example.com'], host: '127.0.0.1', port: server.port,
    tls: { caFile: 'cert.pem' }, auth: { user: 'robocurse', password: { file: 'smtp-pass' } }, timeoutMs: 5000,
  };
  const logger = recordingLogger();
  const signal = new AbortController().signal;
  const { plugins, problems } = await loadPlugins([{ use: 'email', options, jsonPath: 'global.plugins[0]' }], { configDir: dir, logger, signal });
  if (problems.length) throw new Error(JSON.stringify(problems));
  const [notifier] = (await instantiatePlugins(plugins, { logger, signal, configDir: dir })).notifiers;
  return {
    notifier,
    sent: () => server.received.length,
    cleanup: async () => {
      await server.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
});
