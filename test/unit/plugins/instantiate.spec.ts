import { expect } from 'chai';
import { ConfigError } from '../../../src/config/problems';
import { instantiatePlugins } from '../../../src/plugins/instantiate';
import { loadPlugins } from '../../../src/plugins/loader';
import { recordingLogger } from '../../helpers/recording-logger';
import { tempConfigDir } from './plugin-dirs';

const MODULE = `
let flushed = 0;
exports.flushedCount = () => flushed;
exports.plugins = [
  { kind: 'notifier', name: 'n1', version: '1.0.0', apiVersion: '^1.0.0', optionsSchema: { type: 'object', properties: { level: { type: 'string', default: 'x' } } },
    create: (ctx) => ({ name: 'n1', ctx, flush: async () => { flushed++; } }) },
  { kind: 'snapshot', name: 's1', version: '1.0.0', apiVersion: '^1.0.0', optionsSchema: {},
    create: async () => ({ name: 's1', create: async () => ({}), delete: async () => {}, list: async () => [] }) },
  { kind: 'copier', name: 'c1', version: '1.0.0', apiVersion: '^1.0.0', optionsSchema: {},
    create: () => ({ name: 'c1', capabilities: {}, start: () => { throw new Error('no'); } }) },
];`;

const FAILING = `exports.plugins = [
  { kind: 'notifier', name: 'bad', version: '1.0.0', apiVersion: '^1.0.0', optionsSchema: {},
    create: async () => { throw new Error('environment variable SMTP_PASS is not set'); } }];`;

describe('instantiatePlugins', () => {
  it('builds every plugin with its validated options, a child logger, the signal and the config folder', async () => {
    const dir = tempConfigDir({ 'm.js': MODULE });
    const logger = recordingLogger();
    const signal = new AbortController().signal;
    const { plugins } = await loadPlugins([{ use: './m.js', options: {}, jsonPath: 'global.plugins[0]' }], { configDir: dir, logger, signal });
    const built = await instantiatePlugins(plugins, { logger, signal, configDir: dir });
    expect(built.notifiers.map((n) => n.name)).to.deep.equal(['n1']);
    expect([...built.snapshotProviders.keys()]).to.deep.equal(['s1']);
    expect([...built.copiers.keys()]).to.deep.equal(['c1']);
    const ctx = (built.notifiers[0] as unknown as { ctx: { options: unknown; signal: AbortSignal; configDir: string; logger: { info(m: string): void } } }).ctx;
    expect(ctx.options).to.deep.equal({ level: 'x' });
    expect(ctx.signal).to.equal(signal);
    expect(ctx.configDir).to.equal(dir);
    ctx.logger.info('hello');
    expect(logger.lines.at(-1)).to.deep.include({ msg: 'hello', bindings: { plugin: 'n1' } });
  });

  it('throws a ConfigError naming each factory that failed, after flushing the notifiers already built', async () => {
    const dir = tempConfigDir({ 'm.js': MODULE, 'bad.js': FAILING });
    const logger = recordingLogger();
    const signal = new AbortController().signal;
    const { plugins, problems } = await loadPlugins([
      { use: './m.js', options: {}, jsonPath: 'global.plugins[0]' },
      { use: './bad.js', options: {}, jsonPath: 'global.plugins[1]' },
    ], { configDir: dir, logger, signal });
    expect(problems).to.deep.equal([]);
    let caught: unknown;
    try {
      await instantiatePlugins(plugins, { logger, signal, configDir: dir });
    } catch (err) {
      caught = err;
    }
    expect(caught).to.be.instanceOf(ConfigError);
    expect((caught as ConfigError).problems).to.deep.equal([
      { path: 'global.plugins[1].options', message: "plugin 'bad' could not start: environment variable SMTP_PASS is not set" },
    ]);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    expect((require(`${dir}/m.js`) as { flushedCount(): number }).flushedCount()).to.equal(1);
  });
});
