import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { fsx } from '../../../src/fs/fsx';
import { indexKept, keepListing, newArena, takeKept } from '../../../src/fs/kept-listings';
import { listStat, type StatListing } from '../../../src/fs/list-stat';
import { removeTemp, tempDir } from '../../helpers/make-tree';

/**
 * The scan's kept source listings (src/fs/kept-listings.ts): written into shared memory by scan
 * threads, read back by copy threads only while the directory is as the scan left it.
 */

function plain(l: StatListing): { names: string[]; types: string; stats: number[] } {
  return { names: l.names, types: l.types, stats: Array.from(l.stats) };
}

function listed(dir: string): StatListing {
  expect(fsx?.listStat, 'robocurse\'s file-system helper must be built here with listStat').to.be.a('function');
  const l = listStat(dir);
  expect(l.raw, 'the helper\'s name bytes ride along').to.be.instanceOf(Buffer);
  return l;
}

describe('kept listings: the scan\'s source listings in shared memory', () => {
  let root: string;
  beforeEach(() => {
    root = tempDir('robocurse-kept-');
  });
  afterEach(() => removeTemp(root));

  /** A directory with files, a subdirectory, a link and a name that is not UTF-8. */
  function sample(name: string): string {
    const dir = path.join(root, name);
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'a.txt'), 'alpha');
    fs.writeFileSync(path.join(dir, 'b.bin'), Buffer.alloc(1000, 1));
    fs.mkdirSync(path.join(dir, 'sub'));
    fs.symlinkSync('a.txt', path.join(dir, 'link'));
    fs.writeFileSync(Buffer.concat([Buffer.from(`${dir}/`), Buffer.from([0x66, 0xff, 0x2e, 0x74])]), 'latin-1 name');
    return dir;
  }

  it('gives back what listStat gives, names that are not UTF-8 included, while the directory is unchanged', () => {
    const dir = sample('d');
    const arena = newArena(1 << 20);
    const l = listed(dir);
    const at = keepListing(arena, l.raw!, l.stats, fs.lstatSync(dir));
    expect(at).to.be.a('number');
    const kept = indexKept(arena, [['x/d', at!]]);
    const back = takeKept(kept, 'x/d', dir, fs.lstatSync(dir));
    expect(back, 'taken').to.not.equal(undefined);
    expect(plain(back!)).to.deep.equal(plain(listStat(dir)));
    expect(takeKept(kept, 'x/other', dir, fs.lstatSync(dir)), 'another path').to.equal(undefined);
    // The copy it gives is its own: changing it leaves the arena's record as it was.
    back!.stats[0] = 12345;
    expect(plain(takeKept(kept, 'x/d', dir, fs.lstatSync(dir))!)).to.deep.equal(plain(listStat(dir)));
  });

  it('is not taken once an entry was added, removed or renamed (the directory\'s ctime), nor for another directory at that path', async () => {
    const dir = sample('d');
    const arena = newArena(1 << 20);
    const keepNow = (): ReturnType<typeof indexKept> => {
      const l = listed(dir);
      return indexKept(arena, [['d', keepListing(arena, l.raw!, l.stats, fs.lstatSync(dir))!]]);
    };
    const steps: Array<[string, () => void]> = [
      ['a file added', () => fs.writeFileSync(path.join(dir, 'new.txt'), 'new')],
      ['a file removed', () => fs.rmSync(path.join(dir, 'a.txt'))],
      ['a file renamed', () => fs.renameSync(path.join(dir, 'b.bin'), path.join(dir, 'c.bin'))],
      ['the directory replaced by another one', () => { fs.renameSync(dir, `${dir}.old`); sample('d'); }],
    ];
    for (const [what, change] of steps) {
      const kept = keepNow();
      // File systems stamp times at a clock tick's granularity: a change in the same tick as the
      // keeping could leave the ctime as it was (the scan keeps only directories older than
      // KEPT_MIN_AGE_MS for that reason); here the change comes a tick later.
      await new Promise((r) => setTimeout(r, 20));
      change();
      expect(takeKept(kept, 'd', dir, fs.lstatSync(dir)), what).to.equal(undefined);
    }
  });

  it('keeps nothing that does not fit, and never claims space past the arena\'s end', () => {
    const dir = sample('d');
    const l = listed(dir);
    const record = 32 + l.stats.byteLength + Math.ceil(l.raw!.length / 8) * 8;
    const arena = newArena(8 + record * 2 + 32);
    const st = fs.lstatSync(dir);
    expect(keepListing(arena, l.raw!, l.stats, st)).to.equal(8);
    expect(keepListing(arena, l.raw!, l.stats, st)).to.equal(8 + record);
    expect(keepListing(arena, l.raw!, l.stats, st), 'full').to.equal(undefined);
    expect(new Int32Array(arena, 0, 1)[0]).to.equal(8 + record * 2);
    const empty = listStat(path.join(dir, 'sub'));
    expect(keepListing(arena, empty.raw ?? Buffer.alloc(0), empty.stats, st), 'an empty listing still fits').to.equal(8 + record * 2);
  });

  it('takes listings from several threads writing at once, each intact', async function () {
    this.timeout(30_000);
    const dirs = ['p', 'q', 'r', 's'].map((n) => sample(n));
    const arena = newArena(8 << 20);
    const modulePath = require.resolve('../../../src/fs/kept-listings');
    const listPath = require.resolve('../../../src/fs/list-stat');
    // Each thread keeps every directory 200 times; the offsets it reports must not overlap.
    const code = `
      const { parentPort, workerData } = require('node:worker_threads');
      const fs = require('node:fs');
      const { keepListing } = require(workerData.modulePath);
      const { listStat } = require(workerData.listPath);
      const out = [];
      for (let k = 0; k < 200; k++) for (const d of workerData.dirs) {
        const l = listStat(d);
        out.push([d, keepListing(workerData.arena, l.raw, l.stats, fs.lstatSync(d))]);
      }
      parentPort.postMessage(out);`;
    const results = await Promise.all([0, 1, 2].map(() => new Promise<Array<[string, number]>>((resolve, reject) => {
      const w = new Worker(code, { eval: true, workerData: { modulePath, listPath, dirs, arena } });
      w.once('message', resolve);
      w.once('error', reject);
    })));
    const all = results.flat();
    expect(all).to.have.length(3 * 200 * dirs.length);
    expect(new Set(all.map(([, at]) => at)).size, 'distinct offsets').to.equal(all.length);
    for (const [i, [d, at]] of all.entries()) {
      if (i % 97 !== 0) continue;
      const back = takeKept(indexKept(arena, [['k', at]]), 'k', d, fs.lstatSync(d));
      expect(plain(back!), `${d} at ${at}`).to.deep.equal(plain(listStat(d)));
    }
    expect(all.every(([, at]) => at % 8 === 0 && at >= 8)).to.equal(true);
  });
});
