import { expect } from 'chai';
import { listPlugins } from '../../../src/plugins/list-plugins';
import { renderPlugins } from '../../../src/plugins/render-plugins';
import { notifierModule, tempConfigDir } from './plugin-dirs';

describe('robocurse plugins listing', () => {
  it('lists every built-in and every configured plugin, with the problems of those that fail', () => {
    const dir = tempConfigDir({ 'mine.js': notifierModule('mine'), 'old.js': notifierModule('old', "apiVersion: '^0.9.0'") });
    const { plugins, problems } = listPlugins([
      { use: 'siem', options: {}, jsonPath: 'global.plugins[0]' },
      { use: './mine.js', options: {}, jsonPath: 'global.plugins[1]' },
      { use: './old.js', options: {}, jsonPath: 'global.plugins[2]' },
    ], dir);
    const byName = new Map(plugins.map((p) => [p.name, p]));
    expect(byName.get('siem')).to.include({ kind: 'notifier', source: 'built-in', configured: true, version: '1.0.0', apiVersion: '^1.0.0' });
    expect(byName.get('email')).to.include({ source: 'built-in', configured: false });
    expect(byName.get('mine')).to.include({ source: 'path', configured: true, version: '1.2.3' });
    expect(byName.has('old')).to.equal(false);
    expect(problems).to.have.length(1);
    expect(problems[0].path).to.equal('global.plugins[2].use');
  });

  it('renders an aligned text table with the problems under it', () => {
    const dir = tempConfigDir({ 'mine.js': notifierModule('mine') });
    const { plugins } = listPlugins([{ use: './mine.js', options: {}, jsonPath: 'global.plugins[0]' }], dir);
    const text = renderPlugins(plugins, [{ path: 'global.plugins[1].use', message: "unknown plugin 'x'" }], 'text');
    const lines = text.split('\n');
    expect(lines[0]).to.match(/^NAME\s+KIND\s+VERSION\s+SOURCE\s+API\s+CONFIGURED\s+FROM$/);
    const mine = lines.find((l) => l.startsWith('mine '));
    expect(mine).to.match(/^mine\s+notifier\s+1\.2\.3\s+path\s+\^1\.0\.0\s+yes\s+\//);
    // Columns line up: every row has KIND at the same offset as the header.
    const kindAt = lines[0].indexOf('KIND');
    for (const l of lines.slice(1, 1 + plugins.length)) expect(l.slice(kindAt)).to.match(/^(notifier|snapshot|copier)\b/);
    expect(text).to.include('robocurse plugin API 1.0.0');
    expect(text).to.include("  global.plugins[1].use: unknown plugin 'x'");
  });

  it('renders JSON for scripts', () => {
    const { plugins } = listPlugins([], tempConfigDir());
    const parsed = JSON.parse(renderPlugins(plugins, [], 'json')) as { apiVersion: string; plugins: { name: string }[]; problems: unknown[] };
    expect(parsed.apiVersion).to.equal('1.0.0');
    expect(parsed.plugins.map((p) => p.name)).to.include.members(['siem', 'email']);
    expect(parsed.problems).to.deep.equal([]);
  });
});
