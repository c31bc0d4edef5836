import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Entry, InstalledState } from './backend';
import type { ConfigIdentity } from './identity';
import { parseMarker } from './identity';

/**
 * Reads the files in `dir` whose names match `pattern` (group 1 = entry id, group 2 = the short
 * config hash): entries of this config by marker, and the ids that carry our naming but another
 * config's marker (a hash collision or a hand-made file), which sync must never overwrite.
 * Used by the file-based backends (systemd units, launchd plists).
 */
export function readMarkedFiles(dir: string, pattern: RegExp, identity: ConfigIdentity): InstalledState {
  const byId = new Map<string, Entry>();
  const foreign = new Set<string>();
  let names: string[];
  try { names = fs.readdirSync(dir).sort(); } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], foreign };
    throw e;
  }
  for (const name of names) {
    const m = pattern.exec(name);
    if (!m || m[2] !== identity.short) continue;
    const file = path.join(dir, name);
    const content = fs.readFileSync(file, 'utf8');
    const marker = parseMarker(content);
    if (!marker || marker.hash !== identity.hash) { foreign.add(m[1]); continue; }
    const entry = byId.get(m[1]) ?? { id: m[1], profile: marker.profile, artifacts: [] };
    entry.artifacts.push({ name: file, content });
    byId.set(m[1], entry);
  }
  return { entries: [...byId.values()], foreign };
}
