export { fitCostModel, modelMs, type CostModel } from './cost-model';
export { blendEta, LearnedEta, type RunPosition } from './learned-eta';
export { RunEta } from './run-eta';
