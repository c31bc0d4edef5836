import { expect } from 'chai';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { packageRoot } from '../../../src/paths';
import { StateStore } from '../../../src/state';
import { diffTrees, makeTree, removeTemp, tempDir } from '../../helpers/make-tree';

/**
 * robocurse as a user of the published package sees it: `npm pack`, the tarball unpacked into a
 * fresh project's node_modules (what `npm install <tarball>` does), and there a program that
 * only knows the names `robocurse` and `robocurse/plugin`.
 *
 * No network: the tarball's own dependencies are taken from this checkout's node_modules (linked
 * one by one into the fresh project, as an offline cache would provide them). robocurse itself
 * comes from the tarball only, so a file missing from package.json `files` or a wrong
 * `exports`/`types` entry fails here.
 */
describe('the packed package: require/import, types, a programmatic run with its own engine and a notifier package', function () {
  this.timeout(300_000);
  const root = packageRoot();
  let dir: string;
  let app: string;

  const node = (args: string[], cwd = app): { code: number | null; stdout: string; stderr: string } => {
    const r = spawnSync(process.execPath, args, { cwd, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  before(() => {
    dir = tempDir('robocurse-pack-');
    app = path.join(dir, 'app');
    const modules = path.join(app, 'node_modules');
    fs.mkdirSync(modules, { recursive: true });
    fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'library-app', version: '1.0.0', private: true }));
    const out = execFileSync('npm', ['pack', '--pack-destination', dir, '--ignore-scripts', '--json'], { cwd: root, encoding: 'utf8', env: { ...process.env, npm_config_offline: 'true' } });
    const tarball = path.join(dir, (JSON.parse(out) as { filename: string }[])[0].filename);
    fs.mkdirSync(path.join(modules, 'robocurse'));
    execFileSync('tar', ['-xzf', tarball, '-C', path.join(modules, 'robocurse'), '--strip-components=1']);
    for (const name of fs.readdirSync(path.join(root, 'node_modules'))) {
      if (name === '.bin' || name.startsWith('.') || name === 'robocurse') continue;
      fs.symlinkSync(path.join(root, 'node_modules', name), path.join(modules, name));
    }
    // The third-party notifier: its own package (robocurse only a peer), installed by name.
    fs.cpSync(path.join(root, 'test', 'fixtures', 'acme-notifier'), path.join(modules, 'acme-robocurse-notifier'), { recursive: true });
    for (const f of ['main.ts', 'tsconfig.json', 'esm-check.mjs']) fs.copyFileSync(path.join(root, 'test', 'fixtures', 'library-app', f), path.join(app, f));
    // A third-party engine and its conformance spec, as a plugin author's repository holds them.
    fs.cpSync(path.join(root, 'test', 'fixtures', 'contract-engine'), path.join(app, 'contract-engine'), { recursive: true });
  });
  after(() => { if (dir) removeTemp(dir); });

  it('ships the compiled library, the plugin entry, the CLI launcher, the config schema and the dashboard page', () => {
    const pkg = path.join(app, 'node_modules', 'robocurse');
    for (const f of ['dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/plugin.js', 'dist/src/plugin.d.ts', 'dist/src/testing/index.js', 'dist/src/testing/index.d.ts', 'bin/robocurse.js', 'config/robocurse.schema.json', 'web/index.html', 'dist/plugins/siem/index.js', 'README.md']) {
      expect(fs.existsSync(path.join(pkg, f)), f).to.equal(true);
    }
    // Tests are not part of the package.
    expect(fs.existsSync(path.join(pkg, 'dist', 'test'))).to.equal(false);
  });

  it('the packed CLI (one bundle and its code caches) runs from the installed package, with a built-in plugin', () => {
    const bin = path.join(app, 'node_modules', 'robocurse', 'bin', 'robocurse.js');
    const version = node([bin, '--version']);
    expect(version.code, version.stderr).to.equal(0);
    expect(version.stdout.trim()).to.equal((JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version);
    const work = path.join(dir, 'cli-run');
    makeTree(path.join(work, 'src'), { a: { 'one.txt': '1' }, 'two.txt': '22' });
    fs.writeFileSync(path.join(work, 'robocurse.json'), JSON.stringify({
      version: 1,
      global: { logDir: 'logs', stateDir: 'state', plugins: [{ use: 'siem', options: { jsonl: { dir: 'siem' } } }] },
      profiles: { docs: { source: 'src', destination: 'dst' } },
    }));
    const r = node([bin, 'run', '--config', 'robocurse.json', '--all', '--json'], work);
    expect(r.code, r.stderr).to.equal(0);
    const summary = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; outcome?: string }).find((l) => l.type === 'summary');
    expect(summary?.outcome).to.equal('Success');
    expect(diffTrees(path.join(work, 'src'), path.join(work, 'dst'))).to.deep.equal([]);
    // The siem plugin (dist/plugins, found beside the bundle) wrote the run's events.
    expect(fs.readdirSync(path.join(work, 'siem')).length).to.be.greaterThan(0);
  });

  it('require() and import() resolve both names through the exports map', () => {
    const cjs = node(['-e', "const r = require('robocurse'); const p = require('robocurse/plugin'); console.log(JSON.stringify({ Robocurse: typeof r.Robocurse, UsageError: typeof r.UsageError, declareCopier: typeof p.declareCopier, API_VERSION: p.API_VERSION }))"]);
    expect(cjs.code, cjs.stderr).to.equal(0);
    expect(JSON.parse(cjs.stdout)).to.deep.equal({ Robocurse: 'function', UsageError: 'function', declareCopier: 'function', API_VERSION: '1.0.0' });
    const esm = node(['esm-check.mjs']);
    expect(esm.code, esm.stderr).to.equal(0);
    expect(JSON.parse(esm.stdout)).to.deep.equal({ Robocurse: 'function', ConfigError: 'function', declareNotifier: 'function', API_VERSION: '1.0.0' });
    // Internals are not a public name.
    const deep = node(['-e', "require('robocurse/dist/src/cli/main.js')"]);
    expect(deep.code).to.not.equal(0);
    expect(deep.stderr).to.contain('ERR_PACKAGE_PATH_NOT_EXPORTED');
  });

  it('tsc --noEmit type-checks a program using Robocurse and robocurse/plugin (node16 and node resolution)', () => {
    const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const r = node([tsc, '--noEmit', '-p', 'tsconfig.json']);
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    // Older projects resolve without `exports` (moduleResolution "node"): typesVersions serves them.
    // esModuleInterop as `tsc --init` sets it: the declarations name better-sqlite3's default export.
    fs.writeFileSync(path.join(app, 'tsconfig.node10.json'), JSON.stringify({ extends: './tsconfig.json', compilerOptions: { module: 'commonjs', moduleResolution: 'node', esModuleInterop: true } }));
    const old = node([tsc, '--noEmit', '-p', 'tsconfig.node10.json']);
    expect(old.code, old.stdout + old.stderr).to.equal(0);
  });

  it('the example in docs/library.md type-checks and runs against the package', () => {
    const doc = fs.readFileSync(path.join(root, 'docs', 'library.md'), 'utf8');
    const example = /## Example[\s\S]*?```ts\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(example, 'docs/library.md has a ```ts block under "## Example"').to.be.a('string');
    const exDir = path.join(app, 'example');
    fs.mkdirSync(exDir);
    fs.writeFileSync(path.join(exDir, 'example.ts'), example!);
    fs.writeFileSync(path.join(exDir, 'tsconfig.json'), JSON.stringify({ extends: '../tsconfig.json', compilerOptions: { outDir: 'out' }, files: ['example.ts'] }));
    const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const built = node([tsc, '-p', path.join('example', 'tsconfig.json')]);
    expect(built.code, built.stdout + built.stderr).to.equal(0);

    const work = path.join(dir, 'docs-example');
    makeTree(path.join(work, 'src'), { x: { 'one.txt': '1', y: { 'two.txt': '22' } }, 'three.txt': '333' });
    fs.writeFileSync(path.join(work, 'robocurse.json'), JSON.stringify({ version: 1, global: { logDir: 'logs', stateDir: 'state' }, profiles: { docs: { source: 'src', destination: 'dst', engine: 'native' } } }));
    const r = node([path.join('example', 'out', 'example.js'), path.join(work, 'robocurse.json')]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/^Success: docs Success$/m);
    expect(diffTrees(path.join(work, 'src'), path.join(work, 'dst'))).to.deep.equal([]);
    // A bad config: the program's ConfigError branch names the key.
    fs.writeFileSync(path.join(work, 'bad.json'), JSON.stringify({ version: 1, profiles: { docs: { source: 'src', destination: 'dst', engine: 'teleport' } } }));
    const bad = node([path.join('example', 'out', 'example.js'), path.join(work, 'bad.json')]);
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.contain('profiles.docs.engine:');
  });

  it('replicates a tree with a custom engine, pauses and resumes it, and every event reaches the notifier package', () => {
    const src = path.join(dir, 'src');
    makeTree(src, { a: { 'f.txt': 'alpha', deep: { 'g.txt': 'gamma' } }, b: { 'h.txt': 'beta' }, c: { 'i.txt': 'iota' }, 'top.txt': 'top' });
    const eventsFile = path.join(dir, 'notifier-events.jsonl');
    const config = path.join(dir, 'robocurse.json');
    fs.writeFileSync(config, JSON.stringify({
      version: 1,
      global: { logDir: 'logs', stateDir: 'state', plugins: [{ use: 'acme-robocurse-notifier', options: { file: eventsFile } }] },
      profiles: { docs: { source: 'src', destination: 'dst', engine: 'acme-copy', chunking: { maxChunkFiles: 1 } } },
    }));
    const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const built = node([tsc, '-p', 'tsconfig.json']);
    expect(built.code, built.stdout + built.stderr).to.equal(0);

    const r = node([path.join('out', 'main.js'), config]);
    expect(r.code, r.stderr).to.equal(0);
    const out = JSON.parse(r.stdout) as {
      sessionId: string; summary: { outcome: string; profiles: { profile: string; chunksTotal?: number }[] };
      startsWhilePaused: number; phaseWhilePaused: string; chunkStarts: number; events: { seq: number; type: string }[];
    };
    expect(out.summary.outcome).to.equal('Success');
    // The program's engine copies contents, not times.
    expect(diffTrees(src, path.join(dir, 'dst'), { mtime: false })).to.deep.equal([]);
    // Several chunks, one job at a time: while paused after the first, no second one started.
    expect(out.chunkStarts).to.be.greaterThan(2);
    expect(out.startsWhilePaused).to.equal(1);
    expect(out.phaseWhilePaused).to.equal('paused');
    const types = out.events.map((e) => e.type);
    expect(types[0]).to.equal('SessionStart');
    expect(types[types.length - 1]).to.equal('SessionEnd');
    expect(types).to.include.members(['Paused', 'Resumed', 'CommandApplied', 'ChunkComplete']);
    expect(out.events.map((e) => e.seq)).to.deep.equal(out.events.map((_, i) => i + 1));

    // The notifier package got every event the program saw, in order, then was flushed.
    const lines = fs.readFileSync(eventsFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { seq?: number; type?: string; sessionId?: string; flushed?: number });
    expect(lines.filter((l) => l.seq !== undefined).map((l) => ({ seq: l.seq, type: l.type }))).to.deep.equal(out.events);
    expect(lines.every((l) => l.flushed !== undefined || l.sessionId === out.sessionId)).to.equal(true);
    expect(lines[lines.length - 1]).to.deep.equal({ flushed: 1 });

    // The same state database the CLI uses: the session and its chunks are recorded there.
    const store = StateStore.open(path.join(dir, 'state'));
    try {
      expect(store.getRun(out.sessionId)?.outcome).to.equal('Success');
      expect(store.readEventsSince(out.sessionId, 0).map((e) => e.seq)).to.deep.equal(out.events.map((e) => e.seq));
      const [profileRun] = store.profileRunsOfSession(out.sessionId);
      expect(store.chunkCounts(profileRun.id).Complete).to.equal(out.chunkStarts);
    } finally { store.close(); }
    expect(fs.readdirSync(path.join(dir, 'logs')).some((f) => f.includes(out.sessionId))).to.equal(true);
  });

  it('a third-party engine runs the exported copier contract suite (robocurse/plugin/testing), which fails the build that ignores excludes', () => {
    const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const built = node([tsc, '-p', path.join('contract-engine', 'tsconfig.json')]);
    expect(built.code, built.stdout + built.stderr).to.equal(0);
    const mocha = path.join(root, 'node_modules', 'mocha', 'bin', 'mocha.js');
    const r = node([mocha, '--no-config', '--reporter', 'json', '--timeout', '60000', path.join('contract-engine', 'out', 'acme-engine.contract.spec.js')]);
    type Test = { fullTitle: string; err: { message?: string } };
    const report = JSON.parse(r.stdout) as { stats: { passes: number; failures: number; pending: number }; passes: Test[]; failures: Test[]; pending: Test[] };
    const titles = (ts: Test[], engine: string): string[] => ts.filter((t) => t.fullTitle.startsWith(`Copier contract: ${engine} `)).map((t) => t.fullTitle.slice(`Copier contract: ${engine} `.length)).sort();
    // The honest engine passes everything it declares; what it does not declare is skipped, not passed.
    expect(titles(report.failures, 'acme-engine'), JSON.stringify(report.failures.map((f) => [f.fullTitle, f.err.message]))).to.deep.equal([]);
    expect(titles(report.pending, 'acme-engine')).to.deep.equal([
      'dryRun writes nothing (capabilities.dryRun)',
      'mirror on a files-only chunk removes extra files but never a subdirectory',
      'mirror removes extras in the destination (capabilities.mirror)',
      'onlyFiles copies just the listed files and deletes nothing, also under mirror (capabilities.fileList; a chunk below the root)',
      'onlyFiles copies just the listed files and deletes nothing, also under mirror (capabilities.fileList; the root chunk)',
      'suspend() freezes progress and resume() thaws it (capabilities.suspend)',
    ]);
    expect(titles(report.passes, 'acme-engine')).to.include.members([
      'a successful tree copy makes the destination equal to the source',
      'after kill() resolves, the destination stands still and holds no partial file under a real name',
      'excludes are honoured, and excluded destination entries survive a mirror',
      'a files-only chunk copies only the directory\'s own files',
    ]);
    // Both builds ran the whole suite.
    const broken = 'broken acme-engine (ignores excludes)';
    const all = (engine: string): number => titles(report.passes, engine).length + titles(report.pending, engine).length + titles(report.failures, engine).length;
    expect(all('acme-engine')).to.equal(all(broken)).and.to.be.greaterThan(12);
    // The broken build fails exactly the test of what it gets wrong.
    expect(titles(report.failures, broken)).to.deep.equal(['excludes are honoured, and excluded destination entries survive a mirror']);
    expect(r.code).to.equal(1);
  });
});
