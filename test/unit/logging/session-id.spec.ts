import { expect } from 'chai';
import { newSessionId, sessionStartedAt } from '../../../src/logging/session-id';

/** A session id is its start time (local, to the second) and a random part; retention reads the time back. */
describe('session ids', () => {
  it('give back the second they were made in, local time, across a year and a month end', () => {
    for (const d of [new Date(2026, 11, 31, 23, 59, 58, 999), new Date(2024, 1, 29, 0, 0, 1), new Date()]) {
      const id = newSessionId(d);
      expect(id).to.match(/^\d{8}-\d{6}-[0-9a-f]{6}$/);
      expect(sessionStartedAt(id), id).to.equal(Math.floor(d.getTime() / 1000) * 1000);
    }
  });

  it('a name without the stamp has no start time', () => {
    expect(sessionStartedAt('notes')).to.be.NaN;
    expect(sessionStartedAt('2026-12-02-abcdef')).to.be.NaN;
  });
});
