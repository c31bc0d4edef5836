import * as fs from 'node:fs';
import * as path from 'node:path';

/** Shape of a generated benchmark tree. Same spec → byte-identical tree. */
export interface TreeGenSpec {
  files: number;
  dirs: number;
  /** Directories that get `hugeDirFiles` files each, on top of the spread-out files. */
  hugeDirs: number;
  hugeDirFiles: number;
  /** Largest file size; sizes are skewed towards small (size = max * r^4). */
  maxFileSize: number;
  /** Fraction of files that are empty (keeps a 1M-file tree small on disk). */
  emptyFraction: number;
  seed: number;
}

/** mulberry32: tiny deterministic PRNG, so the tree is the same on every machine and run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What was generated, for checking a scan against it. */
export interface TreeGenResult { root: string; files: number; bytes: number; dirs: number; reused: boolean }

/**
 * Generates the tree under `root` unless a marker from an identical spec is already there (the
 * 1M-file tree takes minutes to write, so benches reuse it). A half-written tree (no marker) is
 * removed and rebuilt.
 */
export function ensureTree(root: string, spec: TreeGenSpec): TreeGenResult {
  const marker = `${root}.done.json`;
  if (fs.existsSync(marker)) {
    const saved = JSON.parse(fs.readFileSync(marker, 'utf8')) as { spec: TreeGenSpec; result: TreeGenResult };
    if (JSON.stringify(saved.spec) === JSON.stringify(spec)) return { ...saved.result, reused: true };
  }
  fs.rmSync(root, { recursive: true, force: true });
  const result = generate(root, spec);
  fs.writeFileSync(marker, JSON.stringify({ spec, result }));
  return result;
}

function generate(root: string, spec: TreeGenSpec): TreeGenResult {
  const rnd = prng(spec.seed);
  // Parent chosen uniformly among earlier dirs: a random recursive tree, depth ~ ln(dirs).
  const dirPaths: string[] = [root];
  for (let i = 1; i < spec.dirs; i++) {
    const parent = dirPaths[Math.floor(rnd() * i)];
    dirPaths.push(path.join(parent, `d${i}`));
  }
  for (const d of dirPaths) fs.mkdirSync(d, { recursive: true });
  const counts = new Array<number>(spec.dirs).fill(0);
  for (let i = 0; i < spec.files; i++) counts[Math.floor(rnd() * spec.dirs)]++;
  for (let h = 0; h < spec.hugeDirs; h++) counts[1 + Math.floor(rnd() * (spec.dirs - 1))] += spec.hugeDirFiles;
  const buf = Buffer.alloc(spec.maxFileSize, 0x61);
  let files = 0;
  let bytes = 0;
  for (let d = 0; d < spec.dirs; d++) {
    for (let f = 0; f < counts[d]; f++) {
      const size = rnd() < spec.emptyFraction ? 0 : Math.floor(spec.maxFileSize * rnd() ** 4);
      fs.writeFileSync(path.join(dirPaths[d], `f${f}.dat`), buf.subarray(0, size));
      files++;
      bytes += size;
    }
  }
  return { root, files, bytes, dirs: spec.dirs, reused: false };
}
