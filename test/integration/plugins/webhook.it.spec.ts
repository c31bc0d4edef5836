import { expect } from 'chai';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import type { RunEvent } from '../../../src/api';
import { NotifierHub } from '../../../src/notify/notifier-hub';
import { instantiatePlugins } from '../../../src/plugins/instantiate';
import { loadPlugins } from '../../../src/plugins/loader';
import { sampleEvents } from '../../contract/sample-events';
import { recordingLogger } from '../../helpers/recording-logger';
import { webhookFixtureDir } from '../../unit/plugins/plugin-dirs';

async function startServer(status: number): Promise<{ url: string; bodies: RunEvent[]; close(): Promise<void> }> {
  const bodies: RunEvent[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => { body += d.toString(); });
    req.on('end', () => {
      expect(req.method).to.equal('POST');
      expect(req.headers['content-type']).to.equal('application/json');
      bodies.push(JSON.parse(body) as RunEvent);
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, bodies,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

describe('third-party webhook notifier loaded by path (integration)', function () {
  this.timeout(20000);

  async function hubFor(url: string) {
    // Named the way a config next to the package would name it: a path relative to the config.
    const configDir = path.dirname(webhookFixtureDir());
    const logger = recordingLogger();
    const signal = new AbortController().signal;
    const { plugins, problems } = await loadPlugins([{ use: './webhook-notifier', options: { url, timeoutMs: 2000 }, jsonPath: 'global.plugins[0]' }], { configDir, logger, signal });
    expect(problems).to.deep.equal([]);
    expect(plugins[0]).to.include({ source: 'path' });
    const { notifiers } = await instantiatePlugins(plugins, { logger, signal, configDir });
    return { hub: new NotifierHub(notifiers, { timeoutMs: 5000, logger }), logger };
  }

  it('POSTs every event as JSON, in order', async () => {
    const server = await startServer(204);
    try {
      const { hub } = await hubFor(server.url);
      const events = sampleEvents('webhook-run');
      for (const e of events) hub.publish(e);
      await hub.flush();
      expect(server.bodies).to.deep.equal(events);
      expect(hub.stats()[0]).to.deep.include({ delivered: events.length, failed: 0 });
    } finally {
      await server.close();
    }
  });

  it('a failing endpoint is counted and logged by the hub; the run goes on', async () => {
    const server = await startServer(500);
    try {
      const { hub, logger } = await hubFor(server.url);
      const events = sampleEvents('webhook-500').slice(0, 4);
      for (const e of events) hub.publish(e);
      await hub.flush();
      expect(server.bodies).to.have.length(4);
      expect(hub.stats()[0]).to.deep.include({ delivered: 0, failed: 4 });
      expect(logger.lines.filter((l) => l.level === 'error')[0].obj.err).to.deep.equal({ name: 'Error', message: 'webhook answered HTTP 500' });
    } finally {
      await server.close();
    }
  });

  it('reports invalid options against the package\'s own schema', async () => {
    const configDir = path.dirname(webhookFixtureDir());
    const { problems } = await loadPlugins([{ use: './webhook-notifier', options: { url: 'ftp://x', extra: 1 }, jsonPath: 'global.plugins[2]' }],
      { configDir, logger: recordingLogger(), signal: new AbortController().signal });
    expect(problems.map((p) => p.path).sort()).to.deep.equal(['global.plugins[2].options.extra', 'global.plugins[2].options.url']);
  });
});
