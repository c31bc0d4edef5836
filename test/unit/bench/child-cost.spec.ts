import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { costBetween, waitedChildrenCost, type ChildCost } from '../../../bench/lib/child-cost';
import { costRows } from '../../../bench/lib/report';
import { timeCommand } from '../../../bench/lib/timing';

describe('bench cost accounting: CPU time and page faults of a waited-for child', () => {
  before(function () {
    if (!fs.existsSync('/proc/self/stat')) this.skip(); // the counters come from Linux's /proc
  });

  it('counts what a child that touches 64 MiB and spins for 300 ms of CPU cost', () => {
    const before = waitedChildrenCost();
    const r = spawnSync(process.execPath, ['-e', 'const b=new Uint8Array(64<<20);for(let o=0;o<b.length;o+=4096)b[o]=1;const s=process.cpuUsage();while(process.cpuUsage(s).user<300000);'], { stdio: 'ignore' });
    expect(r.status).to.equal(0);
    const cost = costBetween(before, waitedChildrenCost())!;
    // 64 MiB is 16,384 pages, each a fault on first write; node itself adds its own.
    expect(cost.minorFaults).to.be.greaterThan(16_384);
    expect(cost.userMs + cost.sysMs).to.be.at.least(250);
  });

  it('timeCommand gives each command its own cost, not the ones before it', () => {
    const first = timeCommand(process.execPath, ['-e', 'const s=process.cpuUsage();while(process.cpuUsage(s).user<300000);']);
    const second = timeCommand('true', []);
    expect(first.cost!.userMs + first.cost!.sysMs).to.be.at.least(250);
    expect(second.cost!.userMs + second.cost!.sysMs).to.be.below(100);
    expect(second.cost!.minorFaults).to.be.below(first.cost!.minorFaults);
  });

  it('costRows: medians of CPU time and faults per contender, with ratios to the reference', () => {
    const c = (userMs: number, sysMs: number, minorFaults: number): ChildCost => ({ userMs, sysMs, minorFaults });
    const rows = costRows('re-run', new Map([
      ['rsync -a', [c(400, 500, 3000), c(300, 600, 3500), c(500, 500, 4000)]],
      ['robocurse run', [c(800, 800, 18000), c(900, 700, 19000), c(700, 900, 20000)]],
      ['no /proc here', []],
    ]), 'rsync -a');
    const cpu = rows.filter((r) => r.part === 're-run: CPU time (user + sys, all threads)');
    const faults = rows.filter((r) => r.part === 're-run: minor page faults');
    expect(cpu.map((r) => [r.label, r.value, r.ratio])).to.deep.equal([['rsync -a', 900, undefined], ['robocurse run', 1600, 1600 / 900]]);
    expect(cpu[1].note).to.equal('user 800 ms, sys 800 ms');
    expect(faults.map((r) => [r.label, r.value, r.ratio])).to.deep.equal([['rsync -a', 3500, undefined], ['robocurse run', 19000, 19000 / 3500]]);
    expect(costRows('x', new Map([['robocurse run', [c(1, 1, 1)]]]), 'rsync -a')).to.deep.equal([]);
  });
});
