import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCliLikeCron } from '../../helpers/cli-child';
import { makeTree, removeTemp, tempDir } from '../../helpers/make-tree';
import { needsRootReason, NOBODY, runAsNobody } from '../../helpers/other-user';

/** A valid notifier plugin that leaves a marker file the moment its module is loaded. */
function evilModule(marker: string): string {
  return `require('fs').writeFileSync(${JSON.stringify(marker)}, 'loaded by uid ' + process.getuid());
exports.plugins = [{ kind: 'notifier', name: 'evil', version: '1.0.0', apiVersion: '^1.0.0', optionsSchema: {},
  create: () => ({ name: 'evil', flush: async () => {} }) }];\n`;
}

/**
 * Issue #14, item 2: plugin code is loaded only from where no one but the invoking user and root
 * can change it. An attacker's ./robocurse.json in a shared folder must not make root run code
 * when root runs robocurse there (validate, status, pause, stop, plugins, run).
 */
describe('plugin trust (security, real processes)', function () {
  this.timeout(120_000);
  let root: string;
  let marker: string;

  beforeEach(() => {
    root = tempDir('robocurse-trust-');
    fs.chmodSync(root, 0o755);
    // Where the evil module reports that it ran; root-only, so only code run as root writes it.
    fs.mkdirSync(path.join(root, 'private'), { mode: 0o700 });
    marker = path.join(root, 'private', 'MARKER');
  });
  afterEach(() => removeTemp(root));

  describe('a config another user wrote', function () {
    before(function () {
      if (needsRootReason()) this.skip(); // why: writing as another user needs root and runuser (both present here and in CI)
    });

    let shared: string;
    beforeEach(() => {
      shared = path.join(root, 'shared');
      fs.mkdirSync(shared);
      fs.chmodSync(shared, 0o777);
      makeTree(path.join(shared, 'src'), { 'a.txt': 'a' });
      const config = JSON.stringify({ version: 1, global: { plugins: [{ use: './evil' }] }, profiles: { docs: { source: 'src', destination: 'dst' } } });
      fs.writeFileSync(path.join(root, 'cfg.tmp'), config);
      fs.writeFileSync(path.join(root, 'evil.tmp'), evilModule(marker));
      fs.chmodSync(path.join(root, 'cfg.tmp'), 0o644);
      fs.chmodSync(path.join(root, 'evil.tmp'), 0o644);
      runAsNobody(['cp', path.join(root, 'cfg.tmp'), path.join(shared, 'robocurse.json')]);
      runAsNobody(['mkdir', path.join(shared, 'evil')]);
      runAsNobody(['cp', path.join(root, 'evil.tmp'), path.join(shared, 'evil', 'index.js')]);
      expect(fs.statSync(path.join(shared, 'robocurse.json')).uid).to.equal(NOBODY.uid);
    });

    const commands = [['validate'], ['status'], ['pause', '--profile', 'docs', '--wait', '0'], ['stop', '--profile', 'docs', '--wait', '0'], ['plugins'], ['run', '--all'], ['history']];
    for (const cmd of commands) {
      it(`root running \`robocurse ${cmd[0]}\` in that folder without --config does not run its plugin and says why (exit 2)`, async () => {
        const r = await runCliLikeCron(cmd, { cwd: shared });
        expect(r.code, r.stderr).to.equal(2);
        expect(r.stderr).to.include(`refusing to read ${path.join(shared, 'robocurse.json')} implicitly (no --config given)`);
        expect(r.stderr).to.match(/is owned by nobody \(uid 65534\), but only you|is writable by every user/);
        expect(r.stderr).not.to.match(/\n\s+at /);
        expect(fs.existsSync(marker), 'the plugin ran').to.equal(false);
        expect(fs.existsSync(path.join(shared, 'dst'))).to.equal(false);
      });
    }

    it('named with --config, it still cannot make root load its plugin (exit 2 naming the key)', async () => {
      const r = await runCliLikeCron(['validate', '--config', path.join(shared, 'robocurse.json')], { cwd: root });
      expect(r.code, r.stderr).to.equal(2);
      expect(r.stderr).to.include("global.plugins[0].use: refusing to load plugin './evil': plugins named by path or found through global.pluginPaths load only from a config that only you or root can change");
      expect(fs.existsSync(marker)).to.equal(false);
    });

    it('a plugin file another user owns is refused even from root\'s own config in a sticky shared folder', async () => {
      fs.chmodSync(shared, 0o1777);
      fs.rmSync(path.join(shared, 'robocurse.json'));
      fs.writeFileSync(path.join(shared, 'robocurse.json'), JSON.stringify({ version: 1, global: { plugins: [{ use: './evil' }] }, profiles: { docs: { source: 'src', destination: 'dst' } } }));
      fs.chmodSync(path.join(shared, 'robocurse.json'), 0o644);
      const r = await runCliLikeCron(['validate'], { cwd: shared });
      expect(r.code, r.stderr).to.equal(2);
      expect(r.stderr).to.include(`global.plugins[0].use: refusing to load plugin './evil' from ${path.join(shared, 'evil', 'index.js')}: ${path.join(shared, 'evil')} is owned by nobody (uid 65534)`);
      expect(fs.existsSync(marker)).to.equal(false);
    });
  });

  describe('packages', () => {
    let cfgDir: string;
    beforeEach(() => {
      cfgDir = path.join(root, 'project', 'etc');
      makeTree(path.join(cfgDir, 'src'), { 'a.txt': 'a' });
      for (const nm of [path.join(root, 'project', 'node_modules'), path.join(cfgDir, 'node_modules')]) {
        makeTree(path.join(nm, 'evil-pkg'), { 'package.json': JSON.stringify({ name: 'evil-pkg', main: 'index.js' }), 'index.js': evilModule(marker) });
      }
    });

    const write = (global: Record<string, unknown>): string => {
      const file = path.join(cfgDir, 'robocurse.json');
      fs.writeFileSync(file, JSON.stringify({ version: 1, global, profiles: { docs: { source: 'src', destination: 'dst' } } }));
      return file;
    };

    it('a package in a node_modules folder next to or above the config is not resolved', async () => {
      const config = write({ plugins: [{ use: 'evil-pkg' }] });
      const r = await runCliLikeCron(['validate', '--config', config]);
      expect(r.code, r.stderr).to.equal(2);
      expect(r.stderr).to.include("global.plugins[0].use: unknown plugin 'evil-pkg': not a built-in").and.include('nor in global.pluginPaths (none)');
      expect(fs.existsSync(marker)).to.equal(false);
    });

    it('global.pluginPaths names where packages may come from', async () => {
      const config = write({ pluginPaths: ['../node_modules'], plugins: [{ use: 'evil-pkg' }] });
      const r = await runCliLikeCron(['plugins', '--json', '--config', config]);
      expect(r.code, r.stderr).to.equal(0);
      const listed = (r.lines[0] as { plugins: { name: string; source: string; resolvedFrom: string }[] }).plugins.find((p) => p.name === 'evil');
      expect(listed).to.deep.include({ source: 'package', resolvedFrom: path.join(root, 'project', 'node_modules', 'evil-pkg', 'index.js') });
      expect(fs.existsSync(marker)).to.equal(true);
    });

    it('a package folder others can write is refused even when global.pluginPaths names it', async () => {
      fs.chmodSync(path.join(root, 'project', 'node_modules', 'evil-pkg', 'index.js'), 0o666);
      const config = write({ pluginPaths: ['../node_modules'], plugins: [{ use: 'evil-pkg' }] });
      const r = await runCliLikeCron(['validate', '--config', config]);
      expect(r.code, r.stderr).to.equal(2);
      expect(r.stderr).to.include(`${path.join(root, 'project', 'node_modules', 'evil-pkg', 'index.js')} is writable by every user (mode 0666)`);
      expect(fs.existsSync(marker)).to.equal(false);
    });
  });
});
