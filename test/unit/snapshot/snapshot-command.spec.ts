import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { snapshotCommand, type SnapshotArgs } from '../../../src/cli/commands/snapshot';
import { StateStore } from '../../../src/state';
import { captureIo } from '../../helpers/capture-io';
import { makeTree, removeTemp, tempDir } from '../../helpers/make-tree';

/**
 * A snapshot provider plugin loaded by path, keeping its snapshots in a JSON file next to it so
 * they outlive each in-process command call (as real snapshots outlive the process).
 */
const FAKE_PLUGIN = `
const fs = require('fs'); const path = require('path');
const file = path.join(__dirname, 'snaps.json');
const read = () => (fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : []);
const write = (s) => fs.writeFileSync(file, JSON.stringify(s));
exports.plugins = [{ kind: 'snapshot', name: 'fakesnap', version: '1.0.0', apiVersion: '^1.0.0', optionsSchema: {},
  create: () => ({
    name: 'fakesnap',
    async create(sourcePath, o) {
      if (sourcePath.includes('broken')) throw new Error('device not ready');
      const s = read(); const id = 'fs-' + (s.length + 1);
      const info = { id, provider: 'fakesnap', sourcePath, snapshotPath: '/snap/' + id, createdAt: new Date(Date.UTC(2030, 0, 1, 0, 0, s.length)).toISOString(), label: o.label };
      s.push(info); write(s); return info;
    },
    async delete(id) { write(read().filter((x) => x.id !== id)); },
    async list(sourcePath) { return read().filter((x) => sourcePath === undefined || x.sourcePath === sourcePath); },
  }) }];
`;

describe('robocurse snapshot list|create|delete', () => {
  let dir: string;
  let configPath: string;
  const snaps = (): { id: string; label?: string }[] => JSON.parse(fs.readFileSync(path.join(dir, 'snaps.json'), 'utf8')) as { id: string }[];

  beforeEach(() => {
    dir = tempDir('robocurse-snapcmd-');
    makeTree(dir, { docs: { 'a.txt': 'a' }, broken: {}, plain: {} });
    fs.writeFileSync(path.join(dir, 'fake-snap.js'), FAKE_PLUGIN);
    configPath = path.join(dir, 'robocurse.json');
    fs.writeFileSync(configPath, JSON.stringify({
      version: 1,
      global: { engine: 'native', stateDir: 'state', logDir: 'logs', plugins: [{ use: './fake-snap.js' }] },
      profiles: {
        docs: { source: 'docs', destination: 'out/docs', snapshot: { provider: 'fakesnap', persistent: { keepSource: 2 } } },
        broken: { source: 'broken', destination: 'out/broken', snapshot: { provider: 'fakesnap' } },
        plain: { source: 'plain', destination: 'out/plain' },
      },
    }));
  });
  afterEach(() => removeTemp(dir));

  async function run(action: SnapshotArgs['action'], extra: Partial<SnapshotArgs> = {}) {
    const cap = captureIo(dir);
    const code = await snapshotCommand({ action, config: configPath, logLevel: 'silent', ...extra }, cap.io);
    return { code, out: cap.stdout(), err: cap.stderr() };
  }

  it('create makes a kept, recorded snapshot of the profile source; list shows it with its state; delete removes it', async () => {
    const made = await run('create', { profile: ['docs'] });
    expect(made.code, made.err).to.equal(0);
    expect(made.out).to.contain('docs: fakesnap snapshot fs-1');
    expect(snaps().map((s) => s.label)).to.deep.equal(['robocurse:docs:manual']);
    const store = StateStore.open(path.join(dir, 'state'));
    try {
      expect(store.listLiveSnapshots().map((r) => [r.snapshotId, r.profile, r.persistent, r.sourcePath])).to.deep.equal([['fs-1', 'docs', true, path.join(dir, 'docs')]]);
    } finally { store.close(); }

    const listed = await run('list', { json: true });
    expect(listed.code, listed.err).to.equal(0);
    const rows = JSON.parse(listed.out) as { id: string; state: string; profile: string }[];
    expect(rows.map((r) => [r.id, r.state, r.profile])).to.deep.equal([['fs-1', 'kept', 'docs']]);

    const deleted = await run('delete', { id: 'fs-1' });
    expect(deleted.code, deleted.err).to.equal(0);
    expect(snaps()).to.deep.equal([]);
    expect((await run('list')).out).to.equal('no robocurse snapshots\n');
  });

  it('create reports a provider failure with the profile and exits 4', async () => {
    const r = await run('create', { profile: ['broken'] });
    expect(r.code).to.equal(4);
    expect(r.err).to.equal(`robocurse: cannot create a fakesnap snapshot of ${path.join(dir, 'broken')} (profile broken): device not ready\n`);
  });

  it('create needs --profile or --all, and a profile with a snapshot section', async () => {
    expect((await run('create')).code).to.equal(2);
    const r = await run('create', { profile: ['plain'] });
    expect(r.code).to.equal(2);
    expect(r.err).to.match(/none of the selected profiles has a snapshot section/);
  });

  it("refuses to delete a running session's working snapshot, and anything robocurse did not make", async () => {
    const store = StateStore.open(path.join(dir, 'state'));
    try {
      store.beginRun({ sessionId: 'running', configHash: 'h', configPath, dryRun: false });
      store.recordSnapshot('running', 'docs', { id: 'fs-9', provider: 'fakesnap', sourcePath: '/x', snapshotPath: '/snap/fs-9', createdAt: '' });
    } finally { store.close(); }
    const busy = await run('delete', { id: 'fs-9' });
    expect(busy.code).to.equal(2);
    expect(busy.err).to.match(/fs-9 is the working snapshot of running session running \(profile docs\)/);

    const unknown = await run('delete', { id: 'someone-elses' });
    expect(unknown.code).to.equal(2);
    expect(unknown.err).to.match(/not recorded in the state database; .* --provider/);
    const notOurs = await run('delete', { id: 'someone-elses', provider: 'fakesnap' });
    expect(notOurs.code).to.equal(2);
    expect(notOurs.err).to.match(/is not a fakesnap snapshot robocurse made/);
  });

  it('names a provider that is not loaded', async () => {
    const r = await run('list', { provider: 'vss' });
    expect(r.code).to.equal(2);
    expect(r.err).to.match(/snapshot provider 'vss' is not loaded \(loaded: fakesnap\)/);
  });
});
