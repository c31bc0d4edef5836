import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { builtInPluginNames, loadPlugins, type LoadPluginsOptions } from '../../../src/plugins/loader';
import type { PluginRef } from '../../../src/config/types';
import { recordingLogger } from '../../helpers/recording-logger';
import { notifierModule, tempConfigDir, webhookFixtureDir } from './plugin-dirs';

function ref(use: string, options: Record<string, unknown> = {}, i = 0): PluginRef {
  return { use, options, jsonPath: `global.plugins[${i}]` };
}

function opts(configDir: string): LoadPluginsOptions {
  return { configDir, logger: recordingLogger(), signal: new AbortController().signal };
}

describe('loadPlugins', () => {
  it('lists the built-in plugins found next to the compiled loader', () => {
    expect(builtInPluginNames()).to.include.members(['siem', 'email']);
  });

  it('loads a built-in by name, fills in option defaults and leaves the config untouched', async () => {
    const options = { syslog: { host: '127.0.0.1', port: 514 } };
    const { plugins, problems } = await loadPlugins([ref('siem', options)], opts(tempConfigDir()));
    expect(problems).to.deep.equal([]);
    expect(plugins).to.have.length(1);
    expect(plugins[0].source).to.equal('built-in');
    expect(plugins[0].declaration).to.include({ kind: 'notifier', name: 'siem' });
    expect(plugins[0].resolvedFrom).to.match(/plugins[\\/]siem[\\/]index\.js$/);
    expect(plugins[0].options).to.deep.include({ fieldNames: 'native', redactPaths: 'none' });
    expect((plugins[0].options.syslog as Record<string, unknown>).protocol).to.equal('udp');
    expect(options).to.deep.equal({ syslog: { host: '127.0.0.1', port: 514 } });
  });

  it('loads a plugin by path relative to the config folder', async () => {
    const dir = tempConfigDir({ 'plugins/mine.js': notifierModule('mine') });
    const { plugins, problems } = await loadPlugins([ref('./plugins/mine.js')], opts(dir));
    expect(problems).to.deep.equal([]);
    expect(plugins[0]).to.include({ source: 'path', resolvedFrom: path.join(dir, 'plugins', 'mine.js') });
  });

  it('loads a package folder by absolute path (the sample webhook notifier)', async () => {
    const { plugins, problems } = await loadPlugins([ref(webhookFixtureDir(), { url: 'http://127.0.0.1:1/x' })], opts(tempConfigDir()));
    expect(problems).to.deep.equal([]);
    expect(plugins[0].declaration.name).to.equal('webhook');
    expect(plugins[0].options).to.deep.equal({ url: 'http://127.0.0.1:1/x', timeoutMs: 10000 });
  });

  it('loads a package from a folder named in pluginPaths, not from node_modules next to the config', async () => {
    const dir = tempConfigDir({
      'node_modules/robocurse-test-pkg/package.json': JSON.stringify({ name: 'robocurse-test-pkg', main: 'lib/main.js' }),
      'node_modules/robocurse-test-pkg/lib/main.js': notifierModule('pkg'),
    });
    const unlisted = await loadPlugins([ref('robocurse-test-pkg')], opts(dir));
    expect(unlisted.plugins).to.deep.equal([]);
    expect(unlisted.problems[0].message).to.match(/^unknown plugin 'robocurse-test-pkg'/);
    const { plugins, problems } = await loadPlugins([ref('robocurse-test-pkg')], { ...opts(dir), pluginPaths: [path.join(dir, 'node_modules')] });
    expect(problems).to.deep.equal([]);
    expect(plugins[0]).to.include({ source: 'package' });
    expect(plugins[0].resolvedFrom).to.equal(fs.realpathSync(path.join(dir, 'node_modules/robocurse-test-pkg/lib/main.js')));
  });

  it('reports an unknown plugin at .use, naming where it looked', async () => {
    const dir = tempConfigDir();
    const { plugins, problems } = await loadPlugins([ref('siem', { jsonl: { dir: 'x' } }), ref('nope', {}, 1)], opts(dir));
    expect(plugins).to.have.length(1);
    expect(problems).to.have.length(1);
    expect(problems[0].path).to.equal('global.plugins[1].use');
    expect(problems[0].message).to.match(/^unknown plugin 'nope': not a built-in \(.*email.*siem.*\), not a file relative to /);
    expect(problems[0].message).to.include(dir).and.include('not a package installed with robocurse');
  });

  it('reports a missing path plugin with the absolute path it tried', async () => {
    const dir = tempConfigDir();
    const { problems } = await loadPlugins([ref('./missing.js')], opts(dir));
    expect(problems).to.deep.equal([{ path: 'global.plugins[0].use', message: `cannot load plugin './missing.js': ${path.join(dir, 'missing.js')}: no such file` }]);
  });

  const badModules: [string, string, RegExp][] = [
    ['no plugins export', 'exports.other = 1;', /does not export `plugins`/],
    ['plugins not an array', 'exports.plugins = {};', /must be an array/],
    ['empty plugins', 'exports.plugins = [];', /declares no plugin/],
    ['entry without create', notifierModule('x', 'create: 42'), /create must be a function/],
    ['unknown kind', notifierModule('x', "kind: 'printer'"), /kind must be one of notifier, snapshot, copier/],
    ['bad name', notifierModule('has space'), /name must be/],
    ['API range excluding this API', notifierModule('x', "apiVersion: '^2.0.0'"), /supports robocurse plugin API \^2\.0\.0, but this robocurse provides API 1\.0\.0/],
    ['API range not semver', notifierModule('x', "apiVersion: 'latest'"), /apiVersion must be a semver range/],
    ['schema not an object', notifierModule('x', 'optionsSchema: "any"'), /optionsSchema must be a JSON Schema object/],
    ['module that throws while loading', 'throw new Error("boom at load");', /cannot load plugin '\.\/p\.js' from .*p\.js: boom at load/],
  ];
  for (const [what, source, expected] of badModules) {
    it(`reports a module with ${what} at .use`, async () => {
      const { plugins, problems } = await loadPlugins([ref('./p.js')], opts(tempConfigDir({ 'p.js': source })));
      expect(plugins).to.deep.equal([]);
      expect(problems).to.have.length.greaterThan(0);
      expect(problems.every((p) => p.path === 'global.plugins[0].use')).to.equal(true);
      expect(problems.map((p) => p.message).join('\n')).to.match(expected);
    });
  }

  it('reports an optionsSchema that does not compile as a plugin bug', async () => {
    const dir = tempConfigDir({ 'p.js': notifierModule('x', '', "{ type: 'no-such-type' }") });
    const { problems } = await loadPlugins([ref('./p.js')], opts(dir));
    expect(problems).to.have.length(1);
    expect(problems[0]).to.include({ path: 'global.plugins[0].use' });
    expect(problems[0].message).to.match(/plugin 'x' has an invalid optionsSchema/);
  });

  it('reports a second plugin of the same kind and name', async () => {
    const { problems } = await loadPlugins([ref('siem', { jsonl: { dir: 'a' } }), ref('siem', { jsonl: { dir: 'b' } }, 1)], opts(tempConfigDir()));
    expect(problems).to.deep.equal([{ path: 'global.plugins[1].use', message: "notifier plugin 'siem' is already loaded by global.plugins[0]" }]);
  });

  it('reports every option problem at its own dotted path, in the core config wording', async () => {
    const options = { syslog: { port: '514', protocol: 'smoke', foo: 1 }, fieldNames: 'ecs' };
    const { plugins, problems } = await loadPlugins([ref('siem', options, 3)], opts(tempConfigDir()));
    expect(plugins).to.deep.equal([]);
    expect(problems).to.deep.include.members([
      { path: 'global.plugins[3].options.syslog.host', message: "missing required key 'host'" },
      { path: 'global.plugins[3].options.syslog.port', message: 'expected integer, got string "514"' },
      { path: 'global.plugins[3].options.syslog.protocol', message: 'expected one of "udp", "tcp", "tls", got string "smoke"' },
    ]);
    const unknown = problems.find((p) => p.path === 'global.plugins[3].options.syslog.foo');
    expect(unknown?.message).to.match(/^unknown key 'foo' \(expected one of: host, port, protocol/);
    expect(problems).to.have.length(4);
  });

  it('reports a plugin with no output configured once, at its options', async () => {
    const { problems } = await loadPlugins([ref('siem', {})], opts(tempConfigDir()));
    expect(problems).to.deep.equal([{ path: 'global.plugins[0].options', message: "needs at least one output: 'jsonl' and/or 'syslog'" }]);
  });

  it('never echoes a password written inline by mistake', async () => {
    const options = { from: 'a@example.com', to: ['b@example.com'], host: 'smtp', auth: { user: 'u', password: 'hunter2-inline' } };
    const { problems } = await loadPlugins([ref('email', options)], opts(tempConfigDir()));
    expect(problems).to.have.length(1);
    expect(problems[0].path).to.equal('global.plugins[0].options.auth.password');
    expect(problems[0].message).to.match(/secret reference \{"env": "NAME"\} or \{"file": "path"\}/);
    expect(JSON.stringify(problems)).not.to.include('hunter2');
  });

  it('rejects CR/LF in e-mail header fields (header injection) at validation', async () => {
    const options = { from: 'a@example.com\r\nBcc: victim@example.com', to: ['b@example.com', 'c@example.com\nX: y'], host: 'smtp', subjectPrefix: 'x\r\nBcc: z@example.com' };
    const { problems } = await loadPlugins([ref('email', options)], opts(tempConfigDir()));
    expect(problems.map((p) => p.path).sort()).to.deep.equal([
      'global.plugins[0].options.from', 'global.plugins[0].options.subjectPrefix', 'global.plugins[0].options.to[1]',
    ]);
  });

  it('validates against a draft 2020-12 schema when the plugin declares one', async () => {
    const schema = "{ $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object', properties: { n: { type: 'integer' } }, dependentRequired: { n: [] } }";
    const dir = tempConfigDir({ 'p.js': notifierModule('x', '', schema) });
    const bad = await loadPlugins([ref('./p.js', { n: 'one' })], opts(dir));
    expect(bad.problems).to.deep.equal([{ path: 'global.plugins[0].options.n', message: 'expected integer, got string "one"' }]);
    const good = await loadPlugins([ref('./p.js', { n: 1 })], opts(dir));
    expect(good.problems).to.deep.equal([]);
  });
});
