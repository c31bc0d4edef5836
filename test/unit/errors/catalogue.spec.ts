import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as errors from '../../../src/errors';
import { ERROR_CATALOGUE, type ErrorCode } from '../../../src/errors/catalogue';

const repo = path.resolve(__dirname, '../../../..');

/** One instance per class, made the way the code makes them. */
const SAMPLES: errors.RobocurseError[] = [
  new errors.ConfigError([{ path: 'global.logDir', message: 'expected a string' }]),
  new errors.UsageError('--max-jobs: expected an integer >= 1, got 0'),
  new errors.UnsafePathError('/tmp/x', { at: '/tmp/x', reason: 'is writable by others', fix: 'chmod o-w /tmp/x' }, 'state directory'),
  new errors.LogDirError('/nope', 'no such directory'),
  new errors.StateError('STATE_OPEN_FAILED', 'cannot open'),
  new errors.ProfileLockedError({ profile: 'p', sessionId: null, pid: 1, host: 'h', acquiredAt: 'now' }, 'wait'),
  new errors.UnknownEngineError('teleport', ['native']),
  new errors.ScanRootError('/src', 'ENOENT', 'no such directory'),
  new errors.AbortError(),
  new errors.MirrorRefusedError('the source is empty'),
  new errors.PreflightError('the destination /dst cannot be written'),
  new errors.RobocopyArgumentError('ROBOCOPY_SWITCH_LIKE', '/x', 'profiles.p.excludeFiles[0]', 'starts with a slash'),
  new errors.RsyncArgumentError('RSYNC_BAD_OPTION', 'engineOptions.rsync.x: unknown'),
  new errors.SimulatedStartError('c1', 1),
  new errors.BindRefusedError('0.0.0.0 without TLS'),
  new errors.CrontabEditError('odd line endings'),
  new errors.NoBackendError('none'),
  new errors.ScheduleOpError({ kind: 'delete', path: '/etc/x' }, 'failed'),
  new errors.ScheduleConflictError('taken'),
];

/** The table of docs/errors.md as code → columns. */
function documented(): Map<string, { error: string; retryable: boolean; fatal: boolean; meaning: string }> {
  const out = new Map<string, { error: string; retryable: boolean; fatal: boolean; meaning: string }>();
  for (const line of fs.readFileSync(path.join(repo, 'docs/errors.md'), 'utf8').split('\n')) {
    const m = /^\| `([A-Z_]+)` \| (\w+) \| (yes|no) \| (yes|no) \| (.*) \|$/.exec(line);
    if (m) out.set(m[1], { error: m[2], retryable: m[3] === 'yes', fatal: m[4] === 'yes', meaning: m[5] });
  }
  return out;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => path.join(e.parentPath, e.name));
}

describe('error catalogue', () => {
  it('docs/errors.md lists exactly the codes of src/errors/catalogue.ts, with the same class, traits and meaning', () => {
    const docs = documented();
    expect([...docs.keys()].sort()).to.deep.equal(Object.keys(ERROR_CATALOGUE).sort());
    for (const [code, entry] of Object.entries(ERROR_CATALOGUE)) expect(docs.get(code), code).to.deep.equal({ ...entry });
  });

  it('every catalogued class is exported and is a RobocurseError', () => {
    for (const entry of Object.values(ERROR_CATALOGUE)) {
      const cls = (errors as Record<string, unknown>)[entry.error];
      expect(cls, entry.error).to.be.a('function');
      expect((cls as { prototype: unknown }).prototype, entry.error).to.be.instanceOf(errors.RobocurseError);
    }
  });

  it('instances carry a catalogued code, the catalogue\'s traits for it, and their class name', () => {
    const classes = new Set(Object.values(ERROR_CATALOGUE).map((e) => e.error));
    expect(new Set(SAMPLES.map((e) => e.constructor.name))).to.deep.equal(classes);
    for (const e of SAMPLES) {
      const entry = ERROR_CATALOGUE[e.code as ErrorCode];
      expect(entry, `${e.constructor.name} code ${e.code}`).to.not.equal(undefined);
      expect(e.name).to.equal(entry.error);
      expect(e.constructor.name).to.equal(entry.error);
      expect({ retryable: e.retryable, fatal: e.fatal }, e.code).to.deep.equal({ retryable: entry.retryable, fatal: entry.fatal });
      expect(errors.isRobocurseError(e)).to.equal(true);
      expect(e.message).to.be.a('string').and.not.equal('');
    }
  });

  it('no class under src/ or plugins/ extends Error directly: every error goes through RobocurseError', () => {
    const offenders: string[] = [];
    for (const file of [...sourceFiles(path.join(repo, 'src')), ...sourceFiles(path.join(repo, 'plugins'))]) {
      const text = fs.readFileSync(file, 'utf8');
      for (const m of text.matchAll(/class (\w+) extends (?:Error|TypeError|RangeError)\b/g)) offenders.push(`${path.relative(repo, file)}: ${m[1]}`);
    }
    expect(offenders).to.deep.equal(['src/api/errors.ts: RobocurseError']);
  });

  it('recognises a RobocurseError from another copy of robocurse by shape', () => {
    const foreign = Object.assign(new Error('x'), { code: 'SIEM_X', retryable: false, fatal: false });
    expect(errors.isRobocurseError(foreign)).to.equal(true);
    expect(errors.isRobocurseError(new Error('plain'))).to.equal(false);
    expect(errors.isRobocurseError({ code: 'X', retryable: true, fatal: true })).to.equal(false);
  });
});
