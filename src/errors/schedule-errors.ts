import { RobocurseError } from '../api/errors';
import { traitsOf } from './catalogue';
import type { ScheduleOp } from '../schedule/backend';

export class CrontabEditError extends RobocurseError {
  constructor(message: string) { super('CRONTAB_EDIT_REFUSED', message, traitsOf('CRONTAB_EDIT_REFUSED')); }
}

/** Why no backend could be chosen: exit 2 with this message. */
export class NoBackendError extends RobocurseError {
  constructor(message: string) { super('SCHEDULER_UNAVAILABLE', message, traitsOf('SCHEDULER_UNAVAILABLE')); }
}

/** A step of sync that failed; the steps before it were applied (sync again converges). */
export class ScheduleOpError extends RobocurseError {
  constructor(readonly op: ScheduleOp, message: string) { super('SCHEDULE_STEP_FAILED', message, traitsOf('SCHEDULE_STEP_FAILED')); }
}

/** A generated name already used by something that is not this config's (never overwritten). */
export class ScheduleConflictError extends RobocurseError {
  constructor(message: string) { super('SCHEDULE_CONFLICT', message, traitsOf('SCHEDULE_CONFLICT')); }
}
