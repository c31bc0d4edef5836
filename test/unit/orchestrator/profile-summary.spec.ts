import { expect } from 'chai';
import { summarizeProfile } from '../../../src/orchestrator/profile-summary';

const base = { profile: 'p', completed: [], failed: [], skipped: 0, totalChunks: 0, bytesTotal: 0, durationMs: 1, stopped: false, scanErrors: 0 };

describe('profile summary: what the replica lacks', () => {
  it('no problems: a Success without the field', () => {
    const s = summarizeProfile({ ...base, replicaProblems: [] });
    expect(s.result).to.equal('Success');
    expect(s).to.not.have.property('replicaProblems');
  });

  it('problems make a Warning and the first 20 are listed, names not UTF-8 shown escaped', () => {
    const many = Array.from({ length: 25 }, (_, i) => `hard links: f${i}: left as copied`);
    many[0] = 'hard links: caf\udce9: left as copied';
    const s = summarizeProfile({ ...base, replicaProblems: many });
    expect(s.result).to.equal('Warning');
    expect(s.replicaProblems).to.have.length(20);
    expect(s.replicaProblems![0]).to.equal('hard links: caf\\xE9: left as copied');
  });

  it('a stop or a failure outranks them', () => {
    expect(summarizeProfile({ ...base, stopped: true, replicaProblems: ['x'] }).result).to.equal('Stopped');
    expect(summarizeProfile({ ...base, error: 'boom', replicaProblems: ['x'] }).result).to.equal('Failed');
  });
});
