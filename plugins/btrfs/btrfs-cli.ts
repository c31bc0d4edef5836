import type { CommandResult, CommandRunner } from './command-runner';

/** A subvolume as `btrfs subvolume list` prints it (path relative to the filesystem's top level). */
export interface ListedSubvolume {
  id: number;
  path: string;
}

/**
 * The btrfs commands the provider uses, each an argv array. Failures reject with the command and
 * what btrfs said, because that text (permission denied, cross-device link, not a subvolume) is
 * what an admin needs to fix it.
 */
export class BtrfsCli {
  constructor(private readonly runner: CommandRunner, private readonly btrfs: string, private readonly timeoutMs: number) {}

  private async run(args: string[]): Promise<string> {
    const r: CommandResult = await this.runner.run(this.btrfs, args, { timeoutMs: this.timeoutMs });
    const cmd = `${this.btrfs} ${args.join(' ')}`;
    if (r.spawnError) {
      const notFound = (r.spawnError as NodeJS.ErrnoException).code === 'ENOENT';
      throw new Error(notFound ? `'${this.btrfs}' not found: install btrfs-progs (or set the btrfs plugin option btrfsPath)` : `cannot run ${cmd}: ${r.spawnError.message}`);
    }
    if (r.timedOut) throw new Error(`${cmd} did not finish within ${this.timeoutMs / 1000} s`);
    if (r.code !== 0) {
      const said = (r.stderr.trim() || r.stdout.trim()).split('\n').filter(Boolean).slice(-3).join('; ');
      throw new Error(`${cmd} failed (exit ${r.code}): ${said || 'no message'}`);
    }
    return r.stdout;
  }

  async snapshot(subvolume: string, dest: string, readOnly: boolean): Promise<void> {
    await this.run(['subvolume', 'snapshot', ...(readOnly ? ['-r'] : []), subvolume, dest]);
  }

  async setReadOnly(subvolume: string): Promise<void> {
    await this.run(['property', 'set', '-ts', subvolume, 'ro', 'true']);
  }

  async delete(subvolume: string): Promise<void> {
    await this.run(['subvolume', 'delete', subvolume]);
  }

  /** The subvolume's path relative to the top level ('' for the top level itself). */
  async pathFromTop(subvolume: string): Promise<string> {
    const out = await this.run(['subvolume', 'show', subvolume]);
    const first = out.split('\n')[0]?.trim() ?? '';
    // Older btrfs-progs print '/' for the top level, newer '<FS_TREE>'-ish names in the Name field only.
    return first === '/' || first === '' ? '' : first.replace(/^<FS_TREE>\/?/, '');
  }

  /** Subvolumes below `subvolume` (paths relative to the top level). */
  async listBelow(subvolume: string): Promise<ListedSubvolume[]> {
    return parseList(await this.run(['subvolume', 'list', '-o', '-a', subvolume]));
  }

  /** Every subvolume of the filesystem holding `anyPath` (paths relative to the top level). */
  async listAll(anyPath: string): Promise<ListedSubvolume[]> {
    return parseList(await this.run(['subvolume', 'list', '-a', anyPath]));
  }
}

/**
 * Parses `btrfs subvolume list -a` lines. With -a every path is relative to the top level (those
 * outside the mounted subvolume carry a `<FS_TREE>/` prefix, which is dropped); without it, paths
 * would be relative to whatever subvolume happens to be mounted, so -a is always used.
 */
export function parseList(out: string): ListedSubvolume[] {
  const list: ListedSubvolume[] = [];
  for (const line of out.split('\n')) {
    const m = /^ID (\d+) .*? path (.+)$/.exec(line.trim());
    if (m) list.push({ id: Number(m[1]), path: m[2].replace(/^<FS_TREE>\//, '') });
  }
  return list;
}
