import type { ChunkPolicy } from '../api';
import { displayName } from '../fs/byte-names';
import { displayNames } from '../fs/display-names';
import { formatBytes, formatCount, formatDuration, table } from './format';
import type { ProfilePlan } from './plan-profile';

export interface RenderOptions {
  json: boolean;
  /** Text mode: scan errors and skipped links listed per profile before "... and N more". */
  maxListed?: number;
}

function policyText(p: ChunkPolicy): string {
  return p.mode === 'flat'
    ? `flat, max depth ${p.maxDepth}`
    : `smart, max ${formatBytes(p.maxChunkBytes)} / ${formatCount(p.maxChunkFiles)} files per chunk`;
}

/**
 * The JSON shape of one profile's plan (the tree itself is left out: one node per directory).
 * Names that are not UTF-8 read as `\xNN`, as everywhere robocurse shows them.
 */
function planJson(r: ProfilePlan): object {
  const n = r.tree.rootNode;
  return displayNames({
    profile: r.profile.name,
    source: r.profile.source,
    scannedRoot: r.tree.root,
    destination: r.profile.destination,
    chunking: r.profile.chunking,
    totals: { files: n.totalFiles, bytes: n.totalBytes, dirs: n.totalDirs, chunks: r.chunks.length },
    chunks: r.chunks,
    errors: r.tree.errors,
    skippedLinks: r.tree.skippedLinks,
    scanDurationMs: Math.round(r.tree.durationMs),
    durationMs: Math.round(r.durationMs),
  });
}

function renderOne(r: ProfilePlan, maxListed: number): string[] {
  const n = r.tree.rootNode;
  const lines = [
    `Profile ${r.profile.name}: ${r.profile.source} -> ${r.profile.destination}` +
      (r.tree.root !== r.profile.source ? ` (scanned ${r.tree.root})` : ''),
    `  ${formatCount(n.totalFiles)} files, ${formatBytes(n.totalBytes)}, ${formatCount(n.totalDirs)} dirs -> ` +
      `${formatCount(r.chunks.length)} chunks (${policyText(r.profile.chunking)})`,
    '',
  ];
  const rows = [['#', 'Size', 'Files', 'Depth', 'Kind', 'Path']];
  r.chunks.forEach((c, i) => rows.push([
    String(i + 1), formatBytes(c.estimatedBytes), formatCount(c.estimatedFiles), String(c.depth), c.kind,
    c.relPath === '' ? '.' : displayName(c.relPath),
  ]));
  rows.push(['', formatBytes(n.totalBytes), formatCount(n.totalFiles), '', '', 'total']);
  lines.push(...table(rows, new Set([0, 1, 2, 3])).map((l) => `  ${l}`));
  const listed = <T>(title: string, items: T[], fmt: (x: T) => string): void => {
    if (items.length === 0) return;
    lines.push('', `  ${title} (${items.length}):`);
    for (const x of items.slice(0, maxListed)) lines.push(`    ${fmt(x)}`);
    if (items.length > maxListed) lines.push(`    ... and ${items.length - maxListed} more (--json lists all)`);
  };
  listed('Scan errors, not counted above', r.tree.errors, (e) => `${e.code.padEnd(8)} ${displayName(e.relPath) || '.'}: ${displayName(e.message)}`);
  listed('Links not followed', r.tree.skippedLinks, (l) => `${l.target.padEnd(8)} ${displayName(l.relPath)}`);
  lines.push('', `  Scanned in ${formatDuration(r.tree.durationMs)}, planned in ${formatDuration(r.durationMs)}`);
  return lines;
}

/** Human-readable table (one section per profile, then grand totals) or JSON of the plans. */
export function renderPlan(results: readonly ProfilePlan[], opts: RenderOptions): string {
  if (opts.json) return `${JSON.stringify({ profiles: results.map(planJson) }, null, 2)}\n`;
  const maxListed = opts.maxListed ?? 50;
  const lines: string[] = [];
  for (const r of results) lines.push(...renderOne(r, maxListed), '');
  if (results.length > 1) {
    const sum = (f: (r: ProfilePlan) => number): number => results.reduce((a, r) => a + f(r), 0);
    lines.push(`All ${results.length} profiles: ${formatCount(sum((r) => r.tree.rootNode.totalFiles))} files, ` +
      `${formatBytes(sum((r) => r.tree.rootNode.totalBytes))}, ${formatCount(sum((r) => r.chunks.length))} chunks, ` +
      `${formatCount(sum((r) => r.tree.errors.length))} scan errors, in ${formatDuration(sum((r) => r.durationMs))}`, '');
  }
  return lines.join('\n');
}
