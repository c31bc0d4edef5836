import * as fs from 'node:fs';
import * as path from 'node:path';

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
