/**
 * `import { Robocurse } from 'robocurse'`: the library. Plugin authors import 'robocurse/plugin'
 * (src/api) instead; this module re-exports its contracts for programs that bring an engine.
 */
import 'reflect-metadata';

export { Robocurse, type ConfigSource, type RobocurseOptions, type RunRequest } from './library/robocurse';
export { RunSession } from './library/run-session';
export { composeRun, type ComposedRun, type ComposeRunOptions, type RunOverrides } from './compose/compose-run';
export type { RobocurseConfig, ProfileConfig, GlobalConfig } from './config/types';
export type { RunSummary, OrchestrationStatus } from './orchestrator/types';
export type { ProfilePlan } from './plan';
export * from './errors';
export * from './api';
