import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The word every generated entry carries, so robocurse finds its own entries and only those. */
export const MARKER = 'robocurse-schedule';

/** Which config a set of entries belongs to: the hash of its absolute (real) path. */
export interface ConfigIdentity {
  /** Absolute path as the scheduled command names it. */
  configPath: string;
  /** 16 hex digits of sha256 of the real path (lower-cased on Windows): in every marker. */
  hash: string;
  /** The first 8 of them: in entry names (unit, task, label), to keep them short. */
  short: string;
}

/**
 * Two spellings of one config file (a relative path, a symlinked directory) give one identity, so
 * `sync` from either updates the same entries instead of adding a second set.
 */
export function configIdentity(configPath: string, platform: NodeJS.Platform = process.platform): ConfigIdentity {
  let real = configPath;
  try { real = fs.realpathSync.native(configPath); } catch { /* a missing file keeps its own name */ }
  const key = platform === 'win32' ? path.win32.normalize(real).toLowerCase() : real;
  const hash = createHash('sha256').update(key, 'utf8').digest('hex').slice(0, 16);
  return { configPath, hash, short: hash.slice(0, 8) };
}

/** The marker text of one entry: `robocurse-schedule config-hash=<hash> profile=<name>`. */
export function markerText(id: ConfigIdentity, profile: string): string {
  return `${MARKER} config-hash=${id.hash} profile=${profile}`;
}

/** Reads a marker back: the config hash and profile, or undefined when the text carries none. */
export function parseMarker(text: string): { hash: string; profile: string } | undefined {
  const m = new RegExp(`${MARKER} config-hash=([0-9a-f]{16}) profile=([A-Za-z0-9._-]+)`).exec(text);
  return m ? { hash: m[1], profile: m[2] } : undefined;
}
