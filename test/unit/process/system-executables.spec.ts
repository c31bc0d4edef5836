import { expect } from 'chai';
import { plugins as vssPlugins } from '../../../plugins/vss';
import { VssSnapshotProvider } from '../../../plugins/vss/vss-provider';
import type { PowerShellCall } from '../../../plugins/vss/powershell-runner';
import { defaultRobocopyExecutable } from '../../../src/engines/robocopy/robocopy-copier';
import { windowsSystemExecutable, windowsSystemRoot } from '../../../src/process/system-executables';
import { recordingLogger } from '../../helpers/recording-logger';

/** Issue #14, item 9: Windows programs are started by absolute system path, never by bare name. */
describe('Windows system executables', () => {
  it('builds each program under %SystemRoot% with Windows path rules', () => {
    const env = { SystemRoot: 'D:\\WINNT' };
    expect(windowsSystemExecutable('robocopy', env)).to.equal('D:\\WINNT\\System32\\Robocopy.exe');
    expect(windowsSystemExecutable('powershell', env)).to.equal('D:\\WINNT\\System32\\WindowsPowerShell\\v1.0\\powershell.exe');
    expect(windowsSystemExecutable('taskkill', env)).to.equal('D:\\WINNT\\System32\\taskkill.exe');
  });

  it('finds SystemRoot whatever its case, and drops a trailing backslash', () => {
    expect(windowsSystemRoot({ SYSTEMROOT: 'E:\\Windows\\' })).to.equal('E:\\Windows');
    expect(windowsSystemRoot({ systemroot: 'C:\\Windows' })).to.equal('C:\\Windows');
  });

  for (const [why, value] of [['unset', undefined], ['empty', ''], ['relative', 'Windows'], ['a UNC share', '\\\\evil\\share'], ['climbing out', 'C:\\Windows\\..\\Users\\me'],
    ['drive-relative', 'C:Windows'], ['with a quote', 'C:\\Win"dows'], ['with a control character', 'C:\\Win\ndows'], ['forward slashes', 'C:/Windows']] as const) {
    it(`falls back to C:\\Windows when SystemRoot is ${why}`, () => {
      expect(windowsSystemExecutable('robocopy', value === undefined ? {} : { SystemRoot: value })).to.equal('C:\\Windows\\System32\\Robocopy.exe');
    });
  }

  it('robocopy defaults to the system path on Windows (the fake on PATH elsewhere)', () => {
    expect(defaultRobocopyExecutable('win32', { SystemRoot: 'C:\\Windows' })).to.equal('C:\\Windows\\System32\\Robocopy.exe');
    expect(defaultRobocopyExecutable('win32', {})).to.equal('C:\\Windows\\System32\\Robocopy.exe');
    expect(defaultRobocopyExecutable('linux', { SystemRoot: 'C:\\Windows' })).to.equal('robocopy');
  });

  it('the vss provider starts PowerShell by its system path unless powershellPath names another absolute one', async () => {
    const calls: PowerShellCall[] = [];
    const runner = { run: async (c: PowerShellCall) => { calls.push(c); return { exitCode: 0, stdout: '{"ok":true,"snapshots":[]}', stderr: '' }; } };
    await new VssSnapshotProvider({ timeoutSeconds: 60 }, { runner, logger: recordingLogger(), platform: 'win32', env: { SystemRoot: 'D:\\Win' } }).list();
    await new VssSnapshotProvider({ timeoutSeconds: 60, powershellPath: 'C:\\Program Files\\PowerShell\\7\\pwsh.exe' }, { runner, logger: recordingLogger(), platform: 'win32', env: {} }).list();
    expect(calls.map((c) => c.argv[0])).to.deep.equal(['D:\\Win\\System32\\WindowsPowerShell\\v1.0\\powershell.exe', 'C:\\Program Files\\PowerShell\\7\\pwsh.exe']);
  });

  it('the vss options refuse a bare powershellPath', async () => {
    const { OptionsValidator } = await import('../../../src/plugins/options-problems');
    const validate = new OptionsValidator().compile(vssPlugins[0].optionsSchema);
    expect(validate({ powershellPath: 'pwsh.exe' })).to.equal(false);
    expect(validate({ powershellPath: 'C:\\Program Files\\PowerShell\\7\\pwsh.exe' })).to.equal(true);
  });
});
