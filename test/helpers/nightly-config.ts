import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCliLikeCron } from './cli-child';

/**
 * Writes `<dir>/robocurse.json`: logs and state inside `dir`, one profile `nightly` mirroring
 * `src` to `dst` (both relative to `dir`, where the CLI runs); `profile` adds or overrides keys.
 * Returns the file's path.
 */
export function writeNightlyConfig(dir: string, profile: Record<string, unknown> = {}): string {
  const file = path.join(dir, 'robocurse.json');
  fs.writeFileSync(file, JSON.stringify({
    version: 1, global: { logDir: 'logs', stateDir: 'state' },
    profiles: { nightly: { source: 'src', destination: 'dst', mirror: true, ...profile } },
  }, null, 2));
  return file;
}

/** Runs `robocurse run --config file --all --json` like cron; it must exit 0 with the profile's result Success. The profile's summary. */
export async function runNightlySucceeds(file: string, cwd: string, env?: NodeJS.ProcessEnv): Promise<Record<string, unknown>> {
  const r = await runCliLikeCron(['run', '--config', file, '--all', '--json'], { cwd, env });
  expect(r.code, r.stderr + r.stdout).to.equal(0);
  const profile = (r.summary!.profiles as Array<Record<string, unknown>>)[0];
  expect(profile.result).to.equal('Success');
  return profile;
}
