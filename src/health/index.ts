export { writeFileAtomic } from './atomic-file';
export { healthFilePath, parseHealthRecord, type HealthRecord } from './health-record';
export { HealthReporter, METRICS_FILE_MODE, type HealthReporterOptions } from './health-reporter';
export { RunMetrics, renderMetricsText, type MetricsSource } from './run-metrics';
export { judgeHealth, type HealthInputs, type HealthState, type HealthVerdict } from './judge-health';
