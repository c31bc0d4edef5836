import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadConfig as load } from '../../../src/config/load-config';
import { pluginChecker } from '../../../src/plugins/plugin-checker';
import { ConfigError } from '../../../src/config/problems';
import { main } from '../../../src/cli/main';
import { EXIT } from '../../../src/cli/exit-codes';
import { captureIo } from '../../helpers/capture-io';
import { makeTree, removeTemp, tempDir } from '../../helpers/make-tree';

type Json = Record<string, any>;

/** A valid config over real temp folders; each case breaks one thing. */
function validConfig(dir: string): Json {
  return {
    version: 1,
    global: { maxConcurrentJobs: 2, logDir: path.join(dir, 'logs'), stateDir: path.join(dir, 'state') },
    profiles: { docs: { source: path.join(dir, 'src'), destination: path.join(dir, 'dst') } },
  };
}

interface Case { name: string; mutate?: (c: Json, dir: string) => void; text?: string; path: string; message: RegExp }

const CASES: Case[] = [
  { name: 'unknown top-level key', mutate: (c) => { c.extra = 1; }, path: 'extra', message: /unknown key 'extra'/ },
  { name: 'unknown global key', mutate: (c) => { c.global.maxJobs = 3; }, path: 'global.maxJobs', message: /unknown key 'maxJobs'.*maxConcurrentJobs/ },
  { name: 'unknown profile key', mutate: (c) => { c.profiles.docs.sorce = 'x'; }, path: 'profiles.docs.sorce', message: /unknown key 'sorce'/ },
  { name: 'wrong version', mutate: (c) => { c.version = 2; }, path: 'version', message: /expected 1, got number 2/ },
  { name: 'missing version', mutate: (c) => { delete c.version; }, path: 'version', message: /missing required key 'version'/ },
  { name: 'missing profiles', mutate: (c) => { delete c.profiles; }, path: 'profiles', message: /missing required key 'profiles'/ },
  { name: 'empty profiles', mutate: (c) => { c.profiles = {}; }, path: 'profiles', message: /at least one/ },
  { name: 'concurrency zero', mutate: (c) => { c.global.maxConcurrentJobs = 0; }, path: 'global.maxConcurrentJobs', message: />= 1, got number 0/ },
  { name: 'concurrency negative', mutate: (c) => { c.global.maxConcurrentJobs = -4; }, path: 'global.maxConcurrentJobs', message: />= 1/ },
  { name: 'concurrency as string', mutate: (c) => { c.global.maxConcurrentJobs = '4'; }, path: 'global.maxConcurrentJobs', message: /expected integer, got string "4"/ },
  { name: 'concurrency fractional', mutate: (c) => { c.global.maxConcurrentJobs = 2.5; }, path: 'global.maxConcurrentJobs', message: /expected integer/ },
  { name: 'negative bandwidth', mutate: (c) => { c.global.bandwidthLimitMbps = -1; }, path: 'global.bandwidthLimitMbps', message: />= 0/ },
  { name: 'source missing from profile', mutate: (c) => { delete c.profiles.docs.source; }, path: 'profiles.docs.source', message: /missing required key 'source'/ },
  { name: 'source does not exist', mutate: (c, d) => { c.profiles.docs.source = path.join(d, 'nope'); }, path: 'profiles.docs.source', message: /does not exist/ },
  { name: 'source is a file', mutate: (c, d) => { c.profiles.docs.source = path.join(d, 'src', 'a.txt'); }, path: 'profiles.docs.source', message: /not a directory/ },
  { name: 'source equals destination', mutate: (c) => { c.profiles.docs.destination = c.profiles.docs.source; }, path: 'profiles.docs.destination', message: /same directory as the source/ },
  { name: 'destination inside source', mutate: (c) => { c.profiles.docs.destination = path.join(c.profiles.docs.source, 'backup'); }, path: 'profiles.docs.destination', message: /inside the source/ },
  { name: 'destination contains source', mutate: (c, d) => { c.profiles.docs.destination = d; c.profiles.docs.mirror = true; }, path: 'profiles.docs.destination', message: /contains the source.*delete the source/ },
  { name: 'destination is a file', mutate: (c, d) => { c.profiles.docs.destination = path.join(d, 'file.txt'); }, path: 'profiles.docs.destination', message: /not a directory/ },
  { name: 'profile names differing by case', mutate: (c) => { c.profiles.Docs = { ...c.profiles.docs, destination: `${c.profiles.docs.destination}2` }; }, path: 'profiles.Docs', message: /only by case/ },
  { name: 'invalid profile name', mutate: (c) => { c.profiles['bad name!'] = c.profiles.docs; delete c.profiles.docs; }, path: 'profiles."bad name!"', message: /invalid profile name/ },
  { name: 'unknown global engine', mutate: (c) => { c.global.engine = 'teleport'; }, path: 'global.engine', message: /unknown engine 'teleport'.*native/ },
  { name: 'unknown profile engine', mutate: (c) => { c.profiles.docs.engine = 'ftp'; }, path: 'profiles.docs.engine', message: /unknown engine 'ftp'/ },
  { name: 'unknown plugin', mutate: (c) => { c.global.plugins = [{ use: 'no-such-plugin-xyz' }]; }, path: 'global.plugins[0].use', message: /unknown plugin 'no-such-plugin-xyz'/ },
  { name: 'plugin without use', mutate: (c) => { c.global.plugins = [{ options: {} }]; }, path: 'global.plugins[0].use', message: /missing required key 'use'/ },
  { name: 'malformed size', mutate: (c) => { c.profiles.docs.chunking = { maxChunkBytes: '50 bananas' }; }, path: 'profiles.docs.chunking.maxChunkBytes', message: /expected a size like "50GB"/ },
  { name: 'zero size', mutate: (c) => { c.profiles.docs.chunking = { maxChunkBytes: 0 }; }, path: 'profiles.docs.chunking.maxChunkBytes', message: /expected a size/ },
  { name: 'unknown chunking mode', mutate: (c) => { c.profiles.docs.chunking = { mode: 'clever' }; }, path: 'profiles.docs.chunking.mode', message: /one of "smart", "flat"/ },
  { name: 'negative maxDepth', mutate: (c) => { c.profiles.docs.chunking = { mode: 'flat', maxDepth: -1 }; }, path: 'profiles.docs.chunking.maxDepth', message: />= 0/ },
  { name: 'excludeFiles not an array', mutate: (c) => { c.profiles.docs.excludeFiles = '*.tmp'; }, path: 'profiles.docs.excludeFiles', message: /expected array, got string/ },
  { name: 'control character in an exclude', mutate: (c) => { c.profiles.docs.excludeDirs = ['ok', 'bad\u0007']; }, path: 'profiles.docs.excludeDirs[1]', message: /control characters/ },
  { name: 'control character in a path', mutate: (c) => { c.profiles.docs.destination = '/tmp/x\ny'; }, path: 'profiles.docs.destination', message: /control characters/ },
  { name: 'enabled not boolean', mutate: (c) => { c.profiles.docs.enabled = 'yes'; }, path: 'profiles.docs.enabled', message: /expected boolean/ },
  { name: 'retry attempts zero', mutate: (c) => { c.profiles.docs.retry = { maxAttempts: 0 }; }, path: 'profiles.docs.retry.maxAttempts', message: />= 1/ },
  { name: 'snapshot without provider', mutate: (c) => { c.profiles.docs.snapshot = { required: true }; }, path: 'profiles.docs.snapshot.provider', message: /missing required key 'provider'/ },
  { name: 'unknown snapshot provider', mutate: (c) => { c.profiles.docs.snapshot = { provider: 'zfs' }; }, path: 'profiles.docs.snapshot.provider', message: /unknown snapshot provider 'zfs'/ },
  { name: 'managed robocopy switch is not a switch', mutate: (c) => { c.profiles.docs.engineOptions = { robocopy: { switches: ['MT:8'] } }; }, path: 'profiles.docs.engineOptions.robocopy.switches[0]', message: /matching/ },
  { name: 'robocopy switch robocurse manages itself', mutate: (c) => { c.profiles.docs.engineOptions = { robocopy: { switches: ['/COPY:DAT', '/MT:32'] } }; }, path: 'profiles.docs.engineOptions.robocopy.switches[1]', message: /MT/ },
  { name: 'robocopy switch with shell metacharacters', mutate: (c) => { c.profiles.docs.engineOptions = { robocopy: { switches: ['/XF:a|b'] } }; }, path: 'profiles.docs.engineOptions.robocopy.switches[0]', message: /./ },
  { name: 'robocopy executable by bare name (search-path hijack)', mutate: (c) => { c.profiles.docs.engine = 'robocopy'; c.profiles.docs.engineOptions = { robocopy: { executable: 'robocopy.exe' } }; }, path: 'profiles.docs.engineOptions.robocopy.executable', message: /not an absolute path.*looked up on PATH/ },
  { name: 'robocopy exclude that reads as a switch', mutate: (c) => { c.profiles.docs.engine = 'robocopy'; c.profiles.docs.excludeFiles = ['*.tmp', '/MOVE']; }, path: 'profiles.docs.excludeFiles[1]', message: /read as a switch/ },
  { name: 'rsync link-following attribute', mutate: (c) => { c.profiles.docs.engine = 'rsync'; c.profiles.docs.engineOptions = { rsync: { attributes: '-aL' } }; }, path: 'profiles.docs.engineOptions.rsync.attributes', message: /follow symbolic links/ },
  { name: 'plugin path not a directory list', mutate: (c) => { c.global.pluginPaths = 'node_modules'; }, path: 'global.pluginPaths', message: /expected array/ },
  { name: 'Windows path on a POSIX host', mutate: (c) => { c.profiles.docs.source = 'D:\\Shares\\Docs'; }, path: 'profiles.docs.source', message: /is a Windows path/ },
  { name: 'maxDeletes a string without %', mutate: (c) => { c.profiles.docs.maxDeletes = '5'; }, path: 'profiles.docs.maxDeletes', message: /count of entries.*percentage like "5%".*got string "5"/ },
  { name: 'maxDeletes negative', mutate: (c) => { c.profiles.docs.maxDeletes = -1; }, path: 'profiles.docs.maxDeletes', message: /whole number >= 0/ },
  { name: 'maxDeletes fractional count', mutate: (c) => { c.profiles.docs.maxDeletes = 2.5; }, path: 'profiles.docs.maxDeletes', message: /whole number/ },
  { name: 'maxDeletes above 100%', mutate: (c) => { c.profiles.docs.maxDeletes = '150%'; }, path: 'profiles.docs.maxDeletes', message: /0-100/ },
  { name: 'stateDir inside the destination', mutate: (c) => { c.global.stateDir = path.join(c.profiles.docs.destination, 'state'); c.profiles.docs.mirror = true; }, path: 'global.stateDir', message: /inside the destination of profile 'docs'.*mirror would delete it/ },
  { name: 'stateDir equal to the destination', mutate: (c) => { c.global.stateDir = c.profiles.docs.destination; }, path: 'global.stateDir', message: /inside the destination of profile 'docs'/ },
  { name: 'logDir inside the source', mutate: (c) => { c.global.logDir = path.join(c.profiles.docs.source, 'logs'); }, path: 'global.logDir', message: /inside the source of profile 'docs'/ },
  { name: 'stateDir inside a disabled profile\'s destination', mutate: (c) => { c.profiles.old = { source: c.profiles.docs.source, destination: path.join(c.profiles.docs.destination, '..', 'old'), enabled: false }; c.global.stateDir = path.join(c.profiles.old.destination, 'st'); }, path: 'global.stateDir', message: /profile 'old'/ },
  { name: 'stateDir reaching the destination through a link', mutate: (c, d) => { fs.mkdirSync(c.profiles.docs.destination, { recursive: true }); fs.symlinkSync(c.profiles.docs.destination, path.join(d, 'via-link')); c.global.stateDir = path.join(d, 'via-link', 'state'); }, path: 'global.stateDir', message: /inside the destination of profile 'docs'/ },
  { name: 'duplicate profile key', text: '{"version":1,"profiles":{"a":{"source":"/tmp","destination":"/x"},"a":{"source":"/tmp","destination":"/y"}}}', path: 'profiles.a', message: /duplicate key 'a'/ },
  { name: 'invalid JSON with line and column', text: '{\n  "version": 1,\n  "profiles": {,}\n}', path: '', message: /invalid JSON at line 3, column 16/ },
  { name: 'trailing comma', text: '{"version": 1, "profiles": {"a": {"source": "/tmp", "destination": "/x"},}}', path: '', message: /invalid JSON at line 1/ },
  { name: 'comments are not JSON', text: '// hello\n{"version": 1}', path: '', message: /invalid JSON at line 1, column 1/ },
  { name: 'empty file', text: '', path: '', message: /invalid JSON/ },
  { name: 'top level is an array', text: '[]', path: '', message: /expected object, got an array/ },
];

const loadConfig = (file: string) => load(file, { pluginChecker });

describe('config validation: every invalid config is rejected with its path', () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir();
    makeTree(dir, { src: { 'a.txt': 'a' }, 'file.txt': 'x' });
  });
  afterEach(() => removeTemp(dir));

  function write(c: Case): string {
    const file = path.join(dir, 'robocurse.json');
    if (c.text !== undefined) fs.writeFileSync(file, c.text);
    else { const cfg = validConfig(dir); c.mutate!(cfg, dir); fs.writeFileSync(file, JSON.stringify(cfg, null, 2)); }
    return file;
  }

  it('accepts the base config every case starts from', async () => {
    const cfg = await loadConfig(write({ name: 'ok', mutate: () => undefined, path: '', message: /x/ }));
    expect(cfg.profiles.map((p) => p.name)).to.deep.equal(['docs']);
    expect(cfg.profiles[0].chunking.mode).to.equal('smart');
  });

  it('loads maxDeletes as a count or a percentage; absent means no limit', async () => {
    const cfg = validConfig(dir);
    cfg.profiles.docs.maxDeletes = '2.5%';
    cfg.profiles.other = { source: path.join(dir, 'src'), destination: path.join(dir, 'dst2'), maxDeletes: 0 };
    cfg.profiles.plain = { source: path.join(dir, 'src'), destination: path.join(dir, 'dst3') };
    const file = path.join(dir, 'robocurse.json');
    fs.writeFileSync(file, JSON.stringify(cfg));
    const loaded = await loadConfig(file);
    expect(loaded.profiles.map((p) => p.maxDeletes)).to.deep.equal([{ percent: 2.5 }, { count: 0 }, null]);
  });

  for (const c of CASES) {
    it(`${c.name}: exit 2, names ${c.path || 'the file'}`, async () => {
      const file = write(c);
      const err = await loadConfig(file).then(() => undefined, (e: unknown) => e);
      expect(err, 'config was accepted').to.be.instanceOf(ConfigError);
      const problems = (err as ConfigError).problems;
      const hit = problems.find((p) => p.path === c.path && c.message.test(p.message));
      expect(hit, `no problem at '${c.path}' matching ${c.message}; got ${JSON.stringify(problems)}`).to.not.equal(undefined);
      const io = captureIo(dir);
      const code = await main(['validate', '--config', file], io.io);
      expect(code).to.equal(EXIT.UsageOrConfig);
      expect(io.stderr()).to.contain(c.path ? `${c.path}:` : '(file):');
      expect(io.stdout()).to.not.contain('config OK');
    });
  }

  it('reports every problem, not just the first, with file line and column', async () => {
    const cfg = validConfig(dir);
    cfg.global.maxConcurrentJobs = 0;
    cfg.profiles.docs.chunking = { maxChunkBytes: 'lots' };
    const file = path.join(dir, 'robocurse.json');
    fs.writeFileSync(file, JSON.stringify(cfg, null, 2));
    const err = (await loadConfig(file).catch((e: unknown) => e)) as ConfigError;
    expect(err.problems.map((p) => p.path)).to.include.members(['global.maxConcurrentJobs', 'profiles.docs.chunking.maxChunkBytes']);
    expect(err.problems.find((p) => p.path === 'global.maxConcurrentJobs')!.message).to.match(/robocurse\.json:4:\d+/);
  });

  it('a missing config file is an error naming the file, not a fallback', async () => {
    const io = captureIo(dir);
    const code = await main(['validate', '--config', path.join(dir, 'absent.json')], io.io);
    expect(code).to.equal(EXIT.UsageOrConfig);
    expect(io.stderr()).to.contain('absent.json').and.to.contain('ENOENT');
  });
});
