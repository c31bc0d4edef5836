export { SimulatedCopier, SimulatedStartError } from './simulated-copier';
export type { SimulatedEngineOptions, SimulatedOutcome, SimulationScript } from './simulation-script';
