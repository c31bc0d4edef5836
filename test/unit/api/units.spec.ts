import { expect } from 'chai';
import * as path from 'node:path';
import * as fs from 'node:fs';
import { formatAverageRate, formatBytes, formatCount, formatDuration, formatEta, formatPercent, formatRate } from '../../../src/api/units';
import { packageRoot } from '../../../src/paths';

const BYTES: Array<[number, string]> = [
  [0, '0 B'], [1, '1 B'], [512, '512 B'], [1023, '1023 B'], [1024, '1.00 KiB'], [1536, '1.50 KiB'],
  [10_240, '10.0 KiB'], [1_048_575, '1.00 MiB'], [12.3 * 2 ** 20, '12.3 MiB'], [343_563_355, '328 MiB'],
  [512 * 2 ** 30, '512 GiB'], [1.5 * 2 ** 40, '1.50 TiB'], [21.27659574468085, '21 B'],
];
const DURATIONS: Array<[number, string]> = [
  [0, '0.0s'], [400, '0.4s'], [9_940, '9.9s'], [9_960, '10s'], [12_000, '12s'], [59_400, '59s'],
  [249_000, '4m09s'], [3_720_000, '1h02m'], [3_723_000, '1h02m'], [86_400_000 + 4 * 3_600_000, '1d04h'],
];

describe('units: one way to write figures for people', () => {
  it('bytes in binary units with three significant digits, never float noise', () => {
    for (const [n, s] of BYTES) expect(formatBytes(n), String(n)).to.equal(s);
    expect(formatBytes(Number.NaN)).to.equal('-');
  });

  it('rates as "12.3 MiB/s", "-" while unknown', () => {
    expect(formatRate(12.3 * 2 ** 20)).to.equal('12.3 MiB/s');
    expect(formatRate(21.27659574468085)).to.equal('21 B/s');
    expect(formatRate(undefined)).to.equal('-');
    expect(formatAverageRate(2048, 1000)).to.equal('2.00 KiB/s');
    expect(formatAverageRate(2048, 0)).to.equal('-');
  });

  it('durations as 0.4s, 12s, 4m09s, 1h02m, 1d04h', () => {
    for (const [ms, s] of DURATIONS) expect(formatDuration(ms), String(ms)).to.equal(s);
    expect(formatDuration(-5)).to.equal('-');
    expect(formatEta(undefined)).to.equal('-');
    expect(formatEta(3725)).to.equal('1h02m');
  });

  it('counts with separators, percentages rounded down', () => {
    expect(formatCount(1_234_567)).to.equal('1,234,567');
    expect(formatPercent(999, 1000)).to.equal('99.9%');
    expect(formatPercent(9999, 10000)).to.equal('99.9%');
    expect(formatPercent(5, 5)).to.equal('100.0%');
    expect(formatPercent(1, 0)).to.equal('-');
  });

  it('the dashboard (web/app/format.js) writes the same figures', async () => {
    // A native import() of the browser's ES module, as source (this test is compiled to CommonJS).
    const load = new Function('u', 'return import(u)') as (u: string) => Promise<{ bytes(n: number): string; duration(ms: number): string; rate(n: number): string }>;
    const source = fs.readFileSync(path.join(packageRoot(), 'web', 'app', 'format.js'), 'utf8');
    const web = await load(`data:text/javascript;base64,${Buffer.from(source).toString('base64')}`);
    for (const [n, s] of BYTES) expect(web.bytes(n), String(n)).to.equal(s);
    for (const [ms, s] of DURATIONS) expect(web.duration(ms), String(ms)).to.equal(s);
    expect(web.rate(12.3 * 2 ** 20)).to.equal(formatRate(12.3 * 2 ** 20));
  });
});
