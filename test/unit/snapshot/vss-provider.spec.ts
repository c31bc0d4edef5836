import { expect } from 'chai';
import { plugins } from '../../../plugins/vss';
import { DEFAULT_VSS_OPTIONS } from '../../../plugins/vss/options';
import { CREATE_RETURN_CODES } from '../../../plugins/vss/return-codes';
import { CREATE_SCRIPT, DELETE_SCRIPT, LIST_SCRIPT, scriptName } from '../../../plugins/vss/scripts';
import { checkVssSource, linkPath, relativeToVolume, shadowDevicePath } from '../../../plugins/vss/vss-paths';
import { VssSnapshotProvider } from '../../../plugins/vss/vss-provider';
import { loadPlugins } from '../../../src/plugins/loader';
import { recordingLogger } from '../../helpers/recording-logger';
import { loadTranscripts, TranscriptRunner } from './transcript-runner';

describe('vss snapshot provider', () => {
  describe('replays synthesised PowerShell transcripts (written by hand, not recorded on a Windows machine)', () => {
    const transcripts = loadTranscripts();
    it('has synthesised transcripts for success, no admin rights, service disabled, unsupported volume and more', () => {
      expect(transcripts.map((t) => t.name)).to.include.members([
        'create-success', 'create-no-admin-exception', 'create-no-admin-return-1', 'create-vss-disabled', 'create-volume-not-supported', 'delete-success', 'list-by-source',
      ]);
    });
    for (const { name, t } of transcripts) {
      it(`${name}: ${t.description}`, async () => {
        const runner = new TranscriptRunner(t.calls);
        const provider = new VssSnapshotProvider({ ...DEFAULT_VSS_OPTIONS, linkDir: t.options.linkDir }, { runner, logger: recordingLogger(), platform: t.platform });
        const op = t.operation;
        const call = op.method === 'create' ? provider.create(op.args[0], { sessionId: 's', label: 'robocurse:finance' })
          : op.method === 'delete' ? provider.delete(op.args[0]) : provider.list(op.args[0]);
        const outcome = await call.then((value) => ({ value }), (error: Error) => ({ error }));
        if ('rejects' in t.expect) {
          expect('error' in outcome, `expected a rejection, got ${JSON.stringify(outcome)}`).to.equal(true);
          expect((outcome as { error: Error }).error.message).to.match(new RegExp(t.expect.rejects));
        } else {
          if ('error' in outcome) throw outcome.error;
          expect(outcome.value ?? null).to.deep.equal(t.expect.resolves);
        }
        expect(runner.remaining, 'recorded calls left unused').to.equal(0);
      });
    }
  });

  it('loads on every system (so `robocurse plugins` lists it); every call says VSS needs Windows elsewhere', async () => {
    const { plugins: loaded, problems } = await loadPlugins([{ use: 'vss', options: {}, jsonPath: 'global.plugins[0]' }, { use: 'btrfs', options: {}, jsonPath: 'global.plugins[1]' }],
      { configDir: '/', logger: recordingLogger(), signal: new AbortController().signal });
    expect(problems).to.deep.equal([]);
    expect(loaded.map((p) => `${p.declaration.kind}:${p.declaration.name}:${p.source}`)).to.deep.equal(['snapshot:vss:built-in', 'snapshot:btrfs:built-in']);
    const provider = await plugins[0].create({ options: DEFAULT_VSS_OPTIONS, logger: recordingLogger(), signal: new AbortController().signal, configDir: '/' });
    expect(provider.name).to.equal('vss');
    if (process.platform !== 'win32') {
      const listed = await provider.list().then(() => undefined, (e: Error) => e);
      expect(listed?.message).to.match(/^cannot list shadow copies: the vss snapshot provider needs Windows/);
      const err = await provider.delete('{2C5E8A1F-9B0D-4E63-A7C2-5D1F0B8E3A94}').then(() => undefined, (e: Error) => e);
      expect(err?.message).to.equal('cannot delete shadow copy {2C5E8A1F-9B0D-4E63-A7C2-5D1F0B8E3A94}: the vss snapshot provider needs Windows (Volume Shadow Copy Service); this host is linux'.replace('linux', process.platform));
    }
  });

  it('refuses to delete anything that is not a shadow copy id', async () => {
    const runner = new TranscriptRunner([]);
    const provider = new VssSnapshotProvider(DEFAULT_VSS_OPTIONS, { runner, logger: recordingLogger(), platform: 'win32', env: {} });
    const err = await provider.delete('C:\\Windows').then(() => undefined, (e: Error) => e);
    expect(err?.message).to.equal('cannot delete C:\\Windows: not a shadow copy id ({GUID})');
  });

  describe('paths', () => {
    it('maps a source to its place on the volume, in the shadow device and behind the link (Windows rules on any host)', () => {
      expect(checkVssSource('d:/Shares//Finance\\')).to.equal('d:\\Shares\\Finance\\');
      expect(checkVssSource('\\\\?\\D:\\Shares')).to.equal('D:\\Shares');
      expect(relativeToVolume('d:\\Shares\\Finance', 'D:\\')).to.equal('Shares\\Finance');
      expect(relativeToVolume('D:\\', 'D:\\')).to.equal('');
      expect(relativeToVolume('C:\\Mounts\\Archive\\2024', 'C:\\Mounts\\Archive\\')).to.equal('2024');
      expect(() => relativeToVolume('E:\\x', 'D:\\')).to.throw(/not on volume D:\\/);
      expect(shadowDevicePath('\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy12', 'Shares\\Finance')).to.equal('\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy12\\Shares\\Finance');
      expect(shadowDevicePath('\\Device\\HarddiskVolumeShadowCopy3', '')).to.equal('\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy3\\');
      expect(linkPath('C:\\ProgramData\\robocurse\\vss\\', '{2C5E8A1F-9B0D-4E63-A7C2-5D1F0B8E3A94}')).to.equal('C:\\ProgramData\\robocurse\\vss\\robocurse-2c5e8a1f-9b0d-4e63-a7c2-5d1f0b8e3a94');
    });

    it('refuses UNC and relative sources with the reason', () => {
      expect(() => checkVssSource('\\\\fs01\\finance')).to.throw(/network shares \(UNC paths\) are not supported/);
      expect(() => checkVssSource('\\\\?\\UNC\\fs01\\finance')).to.throw(/UNC/);
      expect(() => checkVssSource('Shares\\Finance')).to.throw(/expected an absolute local path/);
    });
  });

  describe('scripts', () => {
    it('are constants: values come from ROBOCURSE_VSS_* variables, each prints one JSON result', () => {
      for (const [name, s] of [['create', CREATE_SCRIPT], ['delete', DELETE_SCRIPT], ['list', LIST_SCRIPT]] as const) {
        expect(scriptName(s)).to.equal(name);
        expect(s).to.contain("$ErrorActionPreference = 'Stop'");
        expect(s).to.contain('ConvertTo-Json -InputObject $o -Compress -Depth 6');
        expect(s).to.match(/catch \{/);
        // Every variable a script reads from outside is one of ours.
        for (const m of s.matchAll(/\$env:([A-Za-z_]+)/g)) expect(m[1]).to.match(/^ROBOCURSE_VSS_[A-Z]+$/);
      }
      expect(CREATE_SCRIPT).to.contain('Invoke-CimMethod -ClassName Win32_ShadowCopy -MethodName Create');
      expect(CREATE_SCRIPT).to.contain(`'mklink /D "%ROBOCURSE_VSS_LINK%" "%ROBOCURSE_VSS_TARGET%"'`);
      expect(DELETE_SCRIPT).to.contain('[System.IO.Directory]::Delete($link, $false)');
      expect(DELETE_SCRIPT).to.contain('Remove-CimInstance');
    });

    it('explains every documented Win32_ShadowCopy.Create return value', () => {
      expect(Object.keys(CREATE_RETURN_CODES).map(Number)).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    });
  });
});
