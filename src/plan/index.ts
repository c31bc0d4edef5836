export { planProfile, type PlanDeps, type PlanOptions, type ProfilePlan } from './plan-profile';
export { renderPlan, type RenderOptions } from './render-plan';
export { profileExcludes } from './profile-excludes';
export { formatBytes, formatCount, formatDuration } from './format';
