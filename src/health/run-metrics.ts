import type { Counter, Gauge, Registry } from 'prom-client';
import type { RunEvent } from '../api';
import type { OrchestrationStatus } from '../orchestrator/types';

const PHASES = ['Idle', 'Snapshot', 'Scanning', 'Replicating', 'Complete', 'Stopped', 'Failed'] as const;

/** The run's gauges and counters, from a status snapshot and the events seen (any order of calls). */
export interface MetricsSource {
  status?: OrchestrationStatus;
  events?: Iterable<RunEvent>;
}

/**
 * A session's Prometheus metrics on a registry of its own (never prom-client's global one, so
 * two sessions or a dashboard following several never mix). Counters come from events, gauges
 * from the latest status. prom-client is loaded on first use: commands that never export
 * metrics never load it.
 */
export class RunMetrics {
  readonly registry: Registry;
  private readonly g: Record<'info' | 'phase' | 'progress' | 'bytes' | 'chunks' | 'rate' | 'eta' | 'paused' | 'lastEvent' | 'exitCode', Gauge<string>>;
  private readonly c: Record<'events' | 'files' | 'bytesCopied' | 'finished' | 'retries' | 'errors' | 'verify', Counter<string>>;

  constructor(version = '0.0.0') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const client = require('prom-client') as typeof import('prom-client');
    const registry = new client.Registry();
    this.registry = registry;
    const gauge = (name: string, help: string, labelNames: string[] = []): Gauge<string> => new client.Gauge({ name, help, labelNames, registers: [registry] });
    const counter = (name: string, help: string, labelNames: string[] = []): Counter<string> => new client.Counter({ name, help, labelNames, registers: [registry] });
    this.g = {
      info: gauge('robocurse_session_info', 'The session this process runs (always 1)', ['session_id', 'version']),
      phase: gauge('robocurse_phase', '1 for the phase the session is in, 0 for the others', ['phase']),
      progress: gauge('robocurse_progress_ratio', 'Share of the bytes processed (0-1): of the current profile, or of all profiles so far', ['scope', 'profile']),
      bytes: gauge('robocurse_bytes', 'Bytes of the current profile (estimated from the scan)', ['state', 'profile']),
      chunks: gauge('robocurse_chunks', 'Chunks of the current profile by state', ['state', 'profile']),
      rate: gauge('robocurse_throughput_bytes_per_second', 'Recent copy throughput of the session'),
      eta: gauge('robocurse_eta_seconds', 'Seconds left in the current profile, by estimate (live throughput, learnt from history, best)', ['estimate', 'profile']),
      paused: gauge('robocurse_paused', '1 while the session is paused (2 when its jobs are suspended)'),
      lastEvent: gauge('robocurse_last_event_timestamp_seconds', 'Unix time of the last event of the session'),
      exitCode: gauge('robocurse_session_exit_code', 'Exit code of the session once it has ended'),
    };
    this.c = {
      events: counter('robocurse_events_total', 'Events of the session by type', ['type']),
      files: counter('robocurse_files_copied_total', 'Files copied by finished chunks', ['profile']),
      bytesCopied: counter('robocurse_bytes_copied_total', 'Bytes copied by finished chunks', ['profile']),
      finished: counter('robocurse_chunks_finished_total', 'Chunk attempts finished, by severity', ['profile', 'severity']),
      retries: counter('robocurse_chunk_retries_total', 'Chunk attempts that failed and were queued again', ['profile']),
      errors: counter('robocurse_chunk_errors_total', 'Chunks that failed for good', ['profile']),
      verify: counter('robocurse_verify_findings_total', 'Files verification found not matching (or changed in the source), by kind', ['profile', 'kind']),
    };
    this.version = version;
  }

  private readonly version: string;

  /** Counts one event. */
  observe(e: RunEvent): void {
    this.c.events.inc({ type: e.type });
    this.g.lastEvent.set(Date.parse(e.timestamp) / 1000);
    this.g.info.set({ session_id: e.sessionId, version: this.version }, 1);
    switch (e.type) {
      case 'ChunkComplete':
        this.c.finished.inc({ profile: e.data.profile, severity: e.data.severity });
        this.c.files.inc({ profile: e.data.profile }, e.data.filesCopied);
        this.c.bytesCopied.inc({ profile: e.data.profile }, e.data.bytesCopied);
        break;
      case 'ChunkRetry': this.c.retries.inc({ profile: e.data.profile }); break;
      case 'ChunkError': this.c.errors.inc({ profile: e.data.profile }); break;
      case 'VerifyMismatch': this.c.verify.inc({ profile: e.data.profile, kind: e.data.kind }); break;
      case 'SessionEnd': this.g.exitCode.set(e.data.exitCode); break;
      default: break;
    }
  }

  /** Sets the gauges from the latest status. */
  setStatus(s: OrchestrationStatus): void {
    for (const p of PHASES) this.g.phase.set({ phase: p }, s.phase === p ? 1 : 0);
    const profile = s.currentProfile ?? '';
    this.g.progress.reset();
    this.g.bytes.reset();
    this.g.chunks.reset();
    this.g.eta.reset();
    this.g.progress.set({ scope: 'profile', profile }, s.profileProgress / 100);
    this.g.progress.set({ scope: 'overall', profile: '' }, s.overallProgress / 100);
    this.g.bytes.set({ state: 'total', profile }, s.bytesTotal);
    this.g.bytes.set({ state: 'done', profile }, s.bytesComplete);
    for (const [state, n] of [['total', s.chunksTotal], ['done', s.chunksComplete], ['failed', s.chunksFailed], ['active', s.activeCount], ['queued', s.queuedCount]] as const) {
      this.g.chunks.set({ state, profile }, n);
    }
    this.g.rate.set(s.bytesPerSecond ?? 0);
    for (const [estimate, v] of [['live', s.etaSeconds], ['learned', s.learnedEtaSeconds], ['best', s.bestEtaSeconds]] as const) {
      if (v !== undefined) this.g.eta.set({ estimate, profile }, v);
    }
    this.g.paused.set(s.suspended ? 2 : s.paused ? 1 : 0);
    this.g.info.set({ session_id: s.sessionId, version: this.version }, 1);
  }

  /** The Prometheus text exposition (version 0.0.4). */
  render(): Promise<string> {
    return this.registry.metrics();
  }
}

/**
 * The metrics text of a session from whatever a front end has of it: its latest status and its
 * events (the dashboard reads both from the state database). For `/metrics`.
 */
export function renderMetricsText(source: MetricsSource, version?: string): Promise<string> {
  const m = new RunMetrics(version);
  for (const e of source.events ?? []) m.observe(e);
  if (source.status) m.setStatus(source.status);
  return m.render();
}
