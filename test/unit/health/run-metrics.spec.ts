import { expect } from 'chai';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { renderMetricsText } from '../../../src/health';
import type { OrchestrationStatus } from '../../../src/orchestrator/types';
import { makeEvent, samplePayloads } from '../../contract/sample-events';

type Family = { name: string; type: string; metrics: Array<{ value: string; labels?: Record<string, string> }> };

describe('RunMetrics: the Prometheus text of a session from its status and events', () => {
  it('renders counters from events and gauges from the status, parsed by a Prometheus text-format parser', async () => {
    const p = samplePayloads();
    const events = [
      makeEvent('ChunkComplete', { ...p.ChunkComplete, severity: 'Success', filesCopied: 3, bytesCopied: 300 }, 's1', 1, Date.UTC(2026, 0, 1)),
      makeEvent('ChunkComplete', { ...p.ChunkComplete, severity: 'Warning', filesCopied: 2, bytesCopied: 200 }, 's1', 2, Date.UTC(2026, 0, 1, 0, 0, 5)),
      makeEvent('ChunkRetry', p.ChunkRetry, 's1', 3, Date.UTC(2026, 0, 1, 0, 0, 6)),
      makeEvent('VerifyMismatch', p.VerifyMismatch, 's1', 4, Date.UTC(2026, 0, 1, 0, 0, 7)),
    ];
    const status = {
      sessionId: 's1', phase: 'Replicating', currentProfile: 'docs', profileIndex: 0, profileCount: 1, profileProgress: 42.5, overallProgress: 42.5,
      chunksComplete: 2, chunksTotal: 5, chunksFailed: 0, bytesComplete: 500, bytesTotal: 1000, overallBytesComplete: 500, overallBytesTotal: 1000,
      filesComplete: 5, filesTotal: 10, bytesPerSecond: 100, elapsedMs: 5000, etaSeconds: 5, learnedEtaSeconds: 8, bestEtaSeconds: 6, activeCount: 2, queuedCount: 1, paused: false, suspended: false, active: [],
    } as OrchestrationStatus;
    const text = await renderMetricsText({ status, events }, '9.9.9');
    const fams = parsePrometheusTextFormat(text) as Family[];
    const value = (name: string, labels: Record<string, string> = {}): number | undefined => {
      const s = fams.find((f) => f.name === name)?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
      return s === undefined ? undefined : Number(s.value);
    };
    expect(value('robocurse_files_copied_total', { profile: 'docs' })).to.equal(5);
    expect(value('robocurse_bytes_copied_total', { profile: 'docs' })).to.equal(500);
    expect(value('robocurse_chunks_finished_total', { severity: 'Warning' })).to.equal(1);
    expect(value('robocurse_chunk_retries_total')).to.equal(1);
    expect(value('robocurse_verify_findings_total', { kind: 'content' })).to.equal(1);
    expect(value('robocurse_events_total', { type: 'ChunkComplete' })).to.equal(2);
    expect(value('robocurse_last_event_timestamp_seconds')).to.equal(Date.UTC(2026, 0, 1, 0, 0, 7) / 1000);
    expect(value('robocurse_phase', { phase: 'Replicating' })).to.equal(1);
    expect(value('robocurse_phase', { phase: 'Complete' })).to.equal(0);
    expect(value('robocurse_progress_ratio', { scope: 'profile', profile: 'docs' })).to.equal(0.425);
    expect(value('robocurse_eta_seconds', { estimate: 'learned' })).to.equal(8);
    expect(value('robocurse_session_info', { session_id: 's1', version: '9.9.9' })).to.equal(1);
    expect(fams.find((f) => f.name === 'robocurse_chunk_retries_total')!.type).to.equal('COUNTER');
    // Two renders of two sessions never share a registry.
    const other = parsePrometheusTextFormat(await renderMetricsText({ events: [events[2]] })) as Family[];
    expect(other.find((f) => f.name === 'robocurse_files_copied_total')!.metrics).to.deep.equal([]);
  });
});
