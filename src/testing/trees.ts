/**
 * Real directory trees for tests, from a declarative description (restic's way): what the
 * contract suites build their sources from, and compare destinations with.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { decodeName, fsPath } from '../fs/byte-names';

/**
 * Declarative tree: a string or Buffer is a file's content, a number is a file of that many
 * pseudo-random bytes, an object is a directory, `{ symlink: target }` is a link. A name may
 * carry bytes that are not UTF-8, surrogate-escaped (`'caf\udce9'` is Latin-1 `café`).
 */
export type TreeSpec = { [name: string]: string | Buffer | number | TreeSpec | { symlink: string } };

function isLink(v: unknown): v is { symlink: string } {
  return typeof v === 'object' && v !== null && !Buffer.isBuffer(v) && typeof (v as { symlink?: unknown }).symlink === 'string';
}

/** Deterministic bytes so two trees built from one spec are identical. */
export function pseudoRandomBytes(size: number, seed = 1): Buffer {
  const buf = Buffer.allocUnsafe(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    buf[i] = x & 0xff;
  }
  return buf;
}

/** Writes `spec` under `root` (created if missing). */
export function makeTree(root: string, spec: TreeSpec): void {
  fs.mkdirSync(fsPath(root), { recursive: true });
  let seed = 1;
  for (const [name, value] of Object.entries(spec)) {
    const p = path.join(root, name);
    if (typeof value === 'string' || Buffer.isBuffer(value)) fs.writeFileSync(fsPath(p), value);
    else if (typeof value === 'number') fs.writeFileSync(fsPath(p), pseudoRandomBytes(value, seed++));
    else if (isLink(value)) fs.symlinkSync(fsPath(value.symlink), fsPath(p));
    else makeTree(p, value as TreeSpec);
  }
}

/** A fresh temporary directory; remove it with `removeTemp`. */
export function tempDir(prefix = 'robocurse-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function removeTemp(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
}

export interface TreeEntry { type: 'file' | 'dir' | 'link'; size: number; mtimeMs: number; mode: number; content?: Buffer; link?: string }

/** Every entry under root by relative '/'-path, with file contents (for byte-for-byte comparison). */
export function readTree(root: string, withContent = true): Map<string, TreeEntry> {
  const out = new Map<string, TreeEntry>();
  const walk = (dir: string, rel: string): void => {
    // Names as bytes (surrogate-escaped keys), so trees with names that are not UTF-8 compare too.
    for (const name of fs.readdirSync(fsPath(dir), { encoding: 'buffer' }).map(decodeName).sort()) {
      const abs = path.join(dir, name);
      const r = rel ? `${rel}/${name}` : name;
      const st = fs.lstatSync(fsPath(abs));
      if (st.isSymbolicLink()) out.set(r, { type: 'link', size: 0, mtimeMs: 0, mode: 0, link: decodeName(fs.readlinkSync(fsPath(abs), { encoding: 'buffer' })) });
      else if (st.isDirectory()) { out.set(r, { type: 'dir', size: 0, mtimeMs: 0, mode: st.mode & 0o7777 }); walk(abs, r); }
      else out.set(r, { type: 'file', size: st.size, mtimeMs: Math.floor(st.mtimeMs), mode: st.mode & 0o7777, content: withContent ? fs.readFileSync(fsPath(abs)) : undefined });
    }
  };
  walk(root, '');
  return out;
}

/**
 * Differences between two trees (files by content, size, mode and whole-second-or-better mtime;
 * dirs by presence). Empty array = equal.
 */
export function diffTrees(a: string, b: string, opts: { mtime?: boolean; mode?: boolean } = {}): string[] {
  const ta = readTree(a); const tb = readTree(b);
  const diffs: string[] = [];
  for (const [rel, ea] of ta) {
    const eb = tb.get(rel);
    if (!eb) { diffs.push(`missing in ${b}: ${rel}`); continue; }
    if (ea.type !== eb.type) { diffs.push(`type differs: ${rel}`); continue; }
    if (ea.type === 'file') {
      if (!ea.content!.equals(eb.content!)) diffs.push(`content differs: ${rel}`);
      if (opts.mtime !== false && ea.mtimeMs !== eb.mtimeMs) diffs.push(`mtime differs: ${rel} (${ea.mtimeMs} vs ${eb.mtimeMs})`);
      if (opts.mode !== false && ea.mode !== eb.mode) diffs.push(`mode differs: ${rel}`);
    }
    if (ea.type === 'link' && ea.link !== eb.link) diffs.push(`link target differs: ${rel}`);
  }
  for (const rel of tb.keys()) if (!ta.has(rel)) diffs.push(`extra in ${b}: ${rel}`);
  return diffs;
}
