import type { Change, ScheduleOp } from './backend';
import { argvText } from './execute-ops';
import type { SchedulePlan } from './schedule-plan';

const SIGN: Record<Change['action'], string> = { add: '+ add   ', update: '~ update', remove: '- remove', keep: '= keep  ' };

const quoted = (text: string): string => text.replace(/\n$/, '').split('\n').map((l) => `       | ${l}`).join('\n');

/** The text shown for a step's stdin or payload: never a password. */
function shownInput(op: Extract<ScheduleOp, { kind: 'exec' }>): string | undefined {
  if (op.stdinShown !== undefined) return op.stdinShown;
  if (op.payload) {
    const c = op.payload.content;
    return c[0] === 0xff && c[1] === 0xfe ? c.subarray(2).toString('utf16le') : c.toString('utf8');
  }
  return op.stdin?.toString('utf8');
}

export function describeOp(op: ScheduleOp): string {
  switch (op.kind) {
    case 'write': return `write ${op.path}\n${quoted(op.content)}`;
    case 'delete': return `remove ${op.path}`;
    case 'detach': return `start ${argvText(op.argv)}  (${op.why})`;
    case 'exec': {
      const input = shownInput(op);
      const label = op.payload ? `${op.payload.name} ({payload}):` : 'stdin:';
      return `run ${argvText(op.argv)}  (${op.why})${input !== undefined ? `\n     ${label}\n${quoted(input)}` : ''}`;
    }
  }
}

/** JSON form of a step; stdin only as shown (a password never leaves the process). */
export function opJson(op: ScheduleOp): Record<string, unknown> {
  if (op.kind !== 'exec') return { ...op };
  return { kind: op.kind, argv: op.argv, why: op.why, ...(op.okCodes ? { okCodes: op.okCodes } : {}), ...(shownInput(op) !== undefined ? { input: shownInput(op) } : {}) };
}

export function renderPlanText(plan: SchedulePlan, describe: (profile: string) => string): string {
  const lines: string[] = [];
  if (plan.changes.length === 0) lines.push('  (no scheduled profiles and nothing installed for this config)');
  for (const c of plan.changes) lines.push(`  ${SIGN[c.action]}  ${c.profile.padEnd(20)} ${c.id}${c.action === 'remove' ? '' : `  ${describe(c.profile)}`}`);
  for (const w of plan.warnings) lines.push(`warning: ${w}`);
  if (plan.ops.length === 0) lines.push('nothing to change.');
  else {
    lines.push('steps:');
    plan.ops.forEach((op, i) => lines.push(`  ${i + 1}. ${describeOp(op)}`));
  }
  return `${lines.join('\n')}\n`;
}
