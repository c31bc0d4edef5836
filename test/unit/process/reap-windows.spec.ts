import { expect } from 'chai';
import type { ChildRecord } from '../../../src/process/ledger-records';
import { isRecordedProcess } from '../../../src/process/reap-windows';

/** The Windows reaper's only safeguard against a reused pid: image name and creation time. */
describe('isRecordedProcess (Windows leftovers)', () => {
  const at = Date.parse('2026-01-05T10:00:10.000Z');
  const rec: ChildRecord = {
    v: 1, kind: 'child', owner: { pid: 1, host: 'h', identity: null, sessionId: 's' },
    pid: 4242, identity: null, pgid: null, command: 'C:\\Windows\\System32\\Robocopy.exe', startedAtMs: at,
  };
  it('matches the same pid, image name (any case, without .exe) and a creation just before the record', () => {
    expect(isRecordedProcess(rec, { Id: 4242, ProcessName: 'robocopy', Start: '2026-01-05T10:00:09.900Z' })).to.equal(true);
    expect(isRecordedProcess(rec, { Id: 4242, ProcessName: 'ROBOCOPY', Start: '2026-01-05T10:00:10.500Z' })).to.equal(true);
  });
  it('refuses another image, a process created later (pid reused) or long before, or another pid', () => {
    expect(isRecordedProcess(rec, { Id: 4242, ProcessName: 'notepad', Start: '2026-01-05T10:00:09.900Z' })).to.equal(false);
    expect(isRecordedProcess(rec, { Id: 4242, ProcessName: 'robocopy', Start: '2026-01-05T10:05:00.000Z' })).to.equal(false);
    expect(isRecordedProcess(rec, { Id: 4242, ProcessName: 'robocopy', Start: '2026-01-05T09:50:00.000Z' })).to.equal(false);
    expect(isRecordedProcess(rec, { Id: 4243, ProcessName: 'robocopy', Start: '2026-01-05T10:00:09.900Z' })).to.equal(false);
    expect(isRecordedProcess(rec, { Id: 4242, ProcessName: 'robocopy', Start: 'garbage' })).to.equal(false);
  });
});
