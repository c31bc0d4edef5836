import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import type { RunEvent } from '../../src/api';
import { instantiatePlugins } from '../../src/plugins/instantiate';
import { loadPlugins } from '../../src/plugins/loader';
import { recordingLogger } from '../helpers/recording-logger';
import { webhookFixtureDir } from '../unit/plugins/plugin-dirs';
import { runNotifierContract } from './notifier-contract';

runNotifierContract('webhook (third-party sample, loaded by path)', async () => {
  const bodies: RunEvent[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => { body += d.toString(); });
    req.on('end', () => { bodies.push(JSON.parse(body) as RunEvent); res.writeHead(204).end(); });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`;
  const logger = recordingLogger();
  const signal = new AbortController().signal;
  // A plugin path counts only from a config folder others cannot write (not the shared /tmp):
  // the config sits next to the package, in the repository.
  const configDir = path.dirname(webhookFixtureDir());
  const { plugins, problems } = await loadPlugins([{ use: webhookFixtureDir(), options: { url }, jsonPath: 'global.plugins[0]' }], { configDir, logger, signal });
  if (problems.length) throw new Error(JSON.stringify(problems));
  const [notifier] = (await instantiatePlugins(plugins, { logger, signal, configDir })).notifiers;
  return {
    notifier,
    received: async () => bodies,
    cleanup: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
});
