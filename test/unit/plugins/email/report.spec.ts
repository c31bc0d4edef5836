import { expect } from 'chai';
import type { FailedChunkSummary, RunEventPayloads } from '../../../../src/api';
import { failuresCsv } from '../../../../plugins/email/failures-csv';
import { formatBytes, formatDuration, successRate } from '../../../../plugins/email/format';
import { renderHtml } from '../../../../plugins/email/render-html';
import { renderText } from '../../../../plugins/email/render-text';
import { buildReport, subjectOf, wantsReport } from '../../../../plugins/email/report-model';
import { sampleProfileSummary } from '../../../contract/sample-events';

function sessionEnd(over: Partial<RunEventPayloads['SessionEnd']> = {}): RunEventPayloads['SessionEnd'] {
  return {
    outcome: 'Failed', exitCode: 2, durationMs: 3_800_000, filesCopied: 1234, bytesCopied: 5_368_709_120, chunksFailed: 1,
    profiles: [sampleProfileSummary('docs'), sampleProfileSummary('media', { result: 'Success', chunksFailed: 0, failedChunks: [] })],
    ...over,
  };
}

const origin = { host: 'fs01', user: 'backup', version: '0.1.0', dryRun: false, startedAt: '2024-05-17T08:00:00+00:00' };

describe('email: completion report', () => {
  it('subject: prefix, outcome, profile names and host on one line', () => {
    const r = buildReport('s1', '2024-05-17T09:00:00+00:00', sessionEnd(), 'ignored', origin);
    expect(subjectOf('[robocurse]', r)).to.equal('[robocurse] Failed: docs, media on fs01');
    const many = buildReport('s1', 't', sessionEnd({ profiles: ['a', 'b', 'c', 'd', 'e\r\nBcc: x@y', 'f'].map((p) => sampleProfileSummary(p)) }), 'h');
    expect(subjectOf('[rc]', many)).to.equal('[rc] Failed: a, b, c, d and 2 more on h');
    const evil = buildReport('s1', 't', sessionEnd({ profiles: [sampleProfileSummary('x\r\nBcc: victim@example.com')] }), 'h\nX: y');
    expect(subjectOf('[rc]', evil)).not.to.match(/[\r\n]/);
  });

  it('text: per-profile chunks, files, bytes, duration, throughput, success rate and the failures', () => {
    const text = renderText(buildReport('s1', 't', sessionEnd(), 'h', origin), 20);
    expect(text).to.include('robocurse run s1: Failed (exit code 2)');
    expect(text).to.include('Profile docs: Failed');
    expect(text).to.include('Chunks: 12 total, 9 ok, 1 warning, 1 failed, 1 skipped');
    expect(text).to.include('Files copied: 1234  Bytes: 5.00 GiB of 5.59 GiB');
    expect(text).to.include('Duration: 1h02m  Throughput: 1.38 MiB/s  Success rate: 90.9%');
    expect(text).to.include('- [docs] chunk /srv/data/finance "Q3" [draft] (exit 16, 3 retries): Fatal: cannot read');
    expect(text).to.include('    /srv/data/finance "Q3" [draft]/a<b>.xlsx: EACCES permission denied');
    expect(text).not.to.include('attached');
  });

  it('text and html: a mirror refused by a safety rail says why, and extras removed are counted', () => {
    const refused = sampleProfileSummary('docs', { result: 'Failed', refused: "mirror of profile 'docs' refused: its source <x> is empty", extrasRemoved: 0 });
    const r = buildReport('s1', 't', sessionEnd({ profiles: [refused, sampleProfileSummary('media', { result: 'Success', extrasRemoved: 7 })] }), 'h', origin);
    const text = renderText(r, 20);
    expect(text).to.include("  Refused: mirror of profile 'docs' refused: its source <x> is empty");
    expect(text).to.include('  Extras removed from the destination: 7');
    expect(renderHtml(r, 20)).to.include('refused: its source &lt;x&gt; is empty');
  });

  it('html: every value from the run is escaped', () => {
    const html = renderHtml(buildReport('s1', 't', sessionEnd({ profiles: [sampleProfileSummary('<script>alert(1)</script>')] }), 'h', origin), 20);
    expect(html).not.to.include('<script>');
    expect(html).to.include('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).to.include('<code>/srv/data/finance &quot;Q3&quot; [draft]/a&lt;b&gt;.xlsx</code>');
  });

  it('lists at most maxListedFailures in the bodies and says the rest is attached', () => {
    const failed: FailedChunkSummary[] = Array.from({ length: 30 }, (_, i) => ({
      chunkId: `c${i}`, source: `/src/${i}`, exitCode: 8, retryCount: 3, message: `failed ${i}`, errors: [],
    }));
    const r = buildReport('s1', 't', sessionEnd({ profiles: [sampleProfileSummary('docs', { failedChunks: failed })] }), 'h');
    const text = renderText(r, 5);
    expect(text.match(/^- \[docs\]/gm)).to.have.length(5);
    expect(text).to.include('Failures (30, first 5 shown; all in the attached failed-files.csv)');
    expect(renderHtml(r, 5)).to.include('25 more not shown');
  });

  it('CSV: every failure, quoted, with formula-looking values defused', () => {
    const r = buildReport('s1', 't', sessionEnd({ profiles: [sampleProfileSummary('=cmd')] }), 'h');
    const csv = failuresCsv(r.failures);
    const lines = csv.replace(/^\ufeff/, '').trimEnd().split('\r\n');
    expect(lines[0]).to.equal('profile,chunkId,chunkSource,exitCode,retryCount,path,code,message,severity');
    expect(lines).to.have.length(1 + r.failures.length);
    expect(lines[1]).to.equal(`"'=cmd","'=cmd:tree:finance","/srv/data/finance ""Q3"" [draft]","16","3","","","Fatal: cannot read /srv/data/finance ""Q3"" [draft]",""`);
  });

  it('every FileFailed file is a row (not only the few a chunk summary keeps), warning chunks\' files too, tagged in the bodies', () => {
    const ff = (chunkId: string, n: number, severity: 'Error' | 'Warning'): RunEventPayloads['FileFailed'][] => Array.from({ length: n }, (_, i) => ({
      profile: 'docs', chunkId, path: `d/f${i}.txt`, source: `/srv/data/d/f${i}.txt`, error: `32: being used by another process ${i}`, attempts: 3, severity,
    }));
    const warningChunks = [{ chunkId: 'docs:tree:w', source: '/srv/data/w', exitCode: 8, message: '2 file(s) still failing' }];
    const end = sessionEnd({ profiles: [sampleProfileSummary('docs', { warningChunks })] });
    const r = buildReport('s1', 't', end, 'h', undefined, [], [...ff('docs:tree:finance', 30, 'Error'), ...ff('docs:tree:w', 2, 'Warning')]);
    // The failed chunk's own row, its 30 files (instead of the 2 its summary names), then the warning chunk's 2 files.
    expect(r.failures).to.have.length(1 + 30 + 2);
    expect(r.fileRows).to.equal(32);
    expect(r.failures[1]).to.include({ chunkId: 'docs:tree:finance', path: 'd/f0.txt', code: '32', message: 'being used by another process 0', severity: 'Error', exitCode: 16 });
    expect(r.failures[32]).to.include({ chunkId: 'docs:tree:w', source: '/srv/data/w', exitCode: 8, retryCount: 3, severity: 'Warning', path: 'd/f1.txt' });
    const csv = failuresCsv(r.failures).replace(/^\ufeff/, '').trimEnd().split('\r\n');
    expect(csv).to.have.length(1 + 33);
    expect(csv[33]).to.equal('"docs","docs:tree:w","/srv/data/w","8","3","d/f1.txt","32","being used by another process 1","Warning"');
    expect(renderText(r, 100)).to.include('    (warning) d/f1.txt: 32 being used by another process 1');
    expect(renderText(r, 100)).to.include('  Warning: chunk /srv/data/w (exit 8): 2 file(s) still failing');
    expect(renderHtml(r, 100)).to.include('warning: /srv/data/w (exit 8): 2 file(s) still failing');
  });

  it('when: always, failure, warningOrFailure', () => {
    expect(wantsReport('always', 'Success')).to.equal(true);
    expect(wantsReport('failure', 'Warning')).to.equal(false);
    expect(wantsReport('failure', 'Error')).to.equal(true);
    expect(wantsReport('warningOrFailure', 'Stopped')).to.equal(true);
    expect(wantsReport('warningOrFailure', 'Success')).to.equal(false);
  });

  it('formats sizes, durations and rates for people', () => {
    expect(formatBytes(512)).to.equal('512 B');
    expect(formatBytes(1536)).to.equal('1.50 KiB');
    expect(formatDuration(450)).to.equal('0.5s');
    expect(formatDuration(65_000)).to.equal('1m05s');
    expect(successRate(0, 0, 0)).to.equal('n/a');
    expect(successRate(999, 0, 1)).to.equal('99.9%');
  });
});
