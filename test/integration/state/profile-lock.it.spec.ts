import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { tempStateDir } from '../../unit/state/state-test-kit';
import { FixtureProcess } from './fixture-process';

interface LockResult { ok: boolean; pid?: number; recoveredFromPid?: number | null; code?: string; message?: string }

describe('profile locks across real processes', function () {
  this.timeout(120_000);
  let dir: string;
  const running: FixtureProcess[] = [];
  const holder = (profile: string, waitGo = false): FixtureProcess => {
    const p = new FixtureProcess('lock-holder', waitGo ? [dir, profile, '--wait-go'] : [dir, profile], waitGo);
    running.push(p);
    return p;
  };
  beforeEach(() => { dir = tempStateDir(); });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((p) => p.kill9()));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a second process while the first holds the lock, naming pid, host and start', async () => {
    const first = holder('docs');
    expect(await first.json<LockResult>()).to.include({ ok: true, pid: first.pid });
    const second = holder('docs');
    const r = await second.json<LockResult>();
    expect(r).to.include({ ok: false, code: 'PROFILE_LOCKED' });
    expect(r.message).to.contain('profile "docs"').and.contain(`pid ${first.pid}`).and.contain(`host ${os.hostname()}`).and.match(/since \d{4}-/);
    expect((await second.tracked.exited).code).to.equal(3);
  });

  it('recovers the lock after its holder was SIGKILLed', async () => {
    const first = holder('docs');
    expect((await first.json<LockResult>()).ok).to.equal(true);
    await first.kill9();
    const next = holder('docs');
    expect(await next.json<LockResult>()).to.include({ ok: true, recoveredFromPid: first.pid });
  });

  it('frees the lock when its holder releases it on SIGTERM', async () => {
    const first = holder('docs');
    expect((await first.json<LockResult>()).ok).to.equal(true);
    await first.tracked.killTree(5000);
    const next = holder('docs');
    expect(await next.json<LockResult>()).to.include({ ok: true, recoveredFromPid: null });
  });

  it('lets two processes hold two different profiles at once', async () => {
    const a = holder('docs');
    const b = holder('media');
    expect((await a.json<LockResult>()).ok).to.equal(true);
    expect((await b.json<LockResult>()).ok).to.equal(true);
  });

  it('gives the lock to exactly one of two processes racing for it, 20 times (incl. taking over a dead holder)', async () => {
    for (let round = 0; round < 20; round++) {
      const racers = [holder('docs', true), holder('docs', true)];
      await Promise.all(racers.map((r) => r.line((l) => l === 'ready')));
      for (const r of racers) r.send('go\n');
      const results = await Promise.all(racers.map((r) => r.json<LockResult>()));
      const winners = results.filter((r) => r.ok);
      expect(winners, `round ${round}: ${JSON.stringify(results)}`).to.have.length(1);
      const loser = results.find((r) => !r.ok)!;
      expect(loser.code).to.equal('PROFILE_LOCKED');
      expect(loser.message).to.contain(`pid ${winners[0].pid}`);
      // Kill the winner without release: the next round's racers must both see a dead holder
      // and still only one of them may take it over.
      const winner = racers.find((r) => r.pid === winners[0].pid)!;
      await winner.kill9();
      if (round > 0) expect(winners[0].recoveredFromPid).to.be.a('number');
      await Promise.all(racers.map((r) => r.tracked.exited));
    }
  });
});
