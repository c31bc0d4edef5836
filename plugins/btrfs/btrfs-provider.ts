import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import type { Logger, SnapshotCreateOptions, SnapshotInfo, SnapshotProvider } from '../../src/plugin';
import { BtrfsCli } from './btrfs-cli';
import type { CommandRunner } from './command-runner';
import type { FsView } from './fs-view';
import { BTRFS_SUPER_MAGIC, EMPTY_SUBVOL_DIR_INO, SUBVOLUME_ROOT_INO } from './fs-types';
import type { BtrfsOptions } from './options';
import { createdAtFromName, isRobocurseName, snapshotName } from './snapshot-names';
import { isSameOrInside, locateSubvolume, type SubvolumeLocation } from './subvolume-root';

export interface BtrfsProviderDeps {
  runner: CommandRunner;
  fs: FsView;
  logger: Logger;
  now?: () => Date;
  random?: () => string;
}

function errnoCode(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException)?.code;
}

/**
 * Read-only btrfs snapshots of the subvolume holding a source. The snapshot is of the whole
 * subvolume (btrfs cannot snapshot a directory); `snapshotPath` points at the source's place in
 * it. Snapshots are made in `<subvolume root>/<location>/robocurse-…` and only names with that
 * prefix are ever listed or deleted.
 */
export class BtrfsSnapshotProvider implements SnapshotProvider {
  readonly name = 'btrfs';
  private readonly cli: BtrfsCli;

  constructor(private readonly options: BtrfsOptions, private readonly deps: BtrfsProviderDeps) {
    this.cli = new BtrfsCli(deps.runner, options.btrfsPath, options.timeoutSeconds * 1000);
  }

  private locationFor(root: string): string {
    return path.resolve(root, this.options.location);
  }

  async create(sourcePath: string, options: SnapshotCreateOptions): Promise<SnapshotInfo> {
    const loc = await locateSubvolume(this.deps.fs, sourcePath);
    const dir = this.locationFor(loc.root);
    await this.checkNested(sourcePath, loc, dir);
    try {
      await this.deps.fs.mkdir(dir);
    } catch (err) {
      throw new Error(`cannot create the snapshot folder ${dir}: ${(err as Error).message}`);
    }
    const dirType = await this.deps.fs.fsType(dir);
    if (dirType !== BTRFS_SUPER_MAGIC) throw new Error(`the snapshot location ${dir} is not on btrfs; it must be on the filesystem of ${loc.root}`);
    const now = (this.deps.now ?? (() => new Date()))();
    const id = path.join(dir, snapshotName(options.label, now, (this.deps.random ?? (() => randomBytes(2).toString('hex')))()));
    // When the snapshot folder lies inside the copied tree, the snapshot would contain it (with an
    // empty directory per earlier snapshot): make it writable, remove that, then make it read-only.
    const ownFolderInCopy = isSameOrInside(dir, loc.realSource);
    await this.cli.snapshot(loc.root, id, !ownFolderInCopy);
    if (ownFolderInCopy) {
      try {
        await this.removeOwnFolder(path.join(id, path.relative(loc.root, dir)));
        await this.cli.setReadOnly(id);
      } catch (err) {
        await this.cli.delete(id).catch(() => undefined);
        throw new Error(`cannot prepare snapshot ${id}: ${(err as Error).message}`);
      }
    }
    this.deps.logger.debug({ snapshot: id, subvolume: loc.root }, `btrfs snapshot of ${loc.root} at ${id}`);
    return { id, provider: this.name, sourcePath, snapshotPath: loc.rel ? path.join(id, loc.rel) : id, createdAt: now.toISOString() };
  }

  /** Inside a writable snapshot: removes the placeholders of robocurse snapshots, then their folder. */
  private async removeOwnFolder(copyOfDir: string): Promise<void> {
    let names: string[];
    try { names = await this.deps.fs.readdir(copyOfDir); } catch (err) {
      if (errnoCode(err) === 'ENOENT') return;
      throw err;
    }
    for (const n of names) {
      const st = await this.deps.fs.stat(path.join(copyOfDir, n));
      if (isRobocurseName(n) && st.ino === EMPTY_SUBVOL_DIR_INO) await this.deps.fs.rmdir(path.join(copyOfDir, n));
    }
    try { await this.deps.fs.rmdir(copyOfDir); } catch (err) {
      if (errnoCode(err) !== 'ENOTEMPTY' && errnoCode(err) !== 'EEXIST') throw err;
      this.deps.logger.warn({ folder: copyOfDir }, `the snapshot folder holds other files; they are copied with the tree`);
    }
  }

  /** Subvolumes nested in the source are not in its snapshot: refuse (or warn) rather than copy holes. */
  private async checkNested(sourcePath: string, loc: SubvolumeLocation, ownDir: string): Promise<void> {
    const top = await this.cli.pathFromTop(loc.root);
    const nested = (await this.cli.listBelow(loc.root))
      .map((s) => path.posix.relative(top, s.path))
      .filter((rel) => rel !== '' && !rel.startsWith('..'))
      .map((rel) => path.join(loc.root, rel))
      .filter((p) => isSameOrInside(p, loc.realSource) && !isSameOrInside(p, ownDir));
    if (nested.length === 0) return;
    const list = nested.slice(0, 5).join(', ') + (nested.length > 5 ? ` and ${nested.length - 5} more` : '');
    const msg = `${sourcePath} contains nested btrfs subvolumes that a snapshot of ${loc.root} does not include (they would be copied as empty directories): ${list}`;
    if (this.options.nestedSubvolumes === 'fail') {
      throw new Error(`${msg}; give each its own profile, or set the btrfs plugin option nestedSubvolumes: "warn"`);
    }
    this.deps.logger.warn({ source: sourcePath, nested }, msg);
  }

  async delete(id: string): Promise<void> {
    if (!path.isAbsolute(id) || !isRobocurseName(path.basename(id))) {
      throw new Error(`refusing to delete ${id}: not a snapshot robocurse made (names start with robocurse-)`);
    }
    let st;
    try { st = await this.deps.fs.stat(id); } catch (err) {
      if (errnoCode(err) === 'ENOENT') return;
      throw err;
    }
    if (st.ino !== SUBVOLUME_ROOT_INO || (await this.deps.fs.fsType(id)) !== BTRFS_SUPER_MAGIC) {
      throw new Error(`refusing to delete ${id}: it is not a btrfs subvolume`);
    }
    try {
      await this.cli.delete(id);
    } catch (err) {
      // Another process (a concurrent orphan clean-up) may have deleted it meanwhile.
      const gone = await this.deps.fs.stat(id).then(() => false, (e) => errnoCode(e) === 'ENOENT');
      if (!gone) throw err;
    }
  }

  /**
   * robocurse snapshots of the subvolume holding `sourcePath` (in its snapshot folder); without
   * it, every robocurse snapshot on every mounted btrfs filesystem, wherever it lies, as long as a
   * mount reaches it.
   */
  async list(sourcePath?: string): Promise<SnapshotInfo[]> {
    if (sourcePath === undefined) return this.listEverywhere();
    const loc = await locateSubvolume(this.deps.fs, sourcePath);
    const dir = this.locationFor(loc.root);
    let names: string[];
    try { names = await this.deps.fs.readdir(dir); } catch (err) {
      if (errnoCode(err) === 'ENOENT' || errnoCode(err) === 'ENOTDIR') return [];
      throw err;
    }
    const out: SnapshotInfo[] = [];
    for (const n of names.filter(isRobocurseName).sort()) {
      const id = path.join(dir, n);
      if (await this.isSubvolume(id)) out.push(this.info(id, sourcePath, loc.rel));
    }
    return out;
  }

  private async listEverywhere(): Promise<SnapshotInfo[]> {
    const seen = new Set<string>();
    const out: SnapshotInfo[] = [];
    for (const m of (await this.deps.fs.mounts()).filter((x) => x.fsType === 'btrfs')) {
      const mountRoot = m.root.replace(/^\/+/, '');
      for (const s of await this.cli.listAll(m.mountPoint)) {
        const rel = path.posix.relative(mountRoot, s.path);
        if (!isRobocurseName(path.posix.basename(s.path)) || rel.startsWith('..') || seen.has(`${m.device}:${s.id}`)) continue;
        const id = path.join(m.mountPoint, rel);
        if (!(await this.isSubvolume(id))) continue;
        seen.add(`${m.device}:${s.id}`);
        out.push(this.info(id, m.mountPoint, ''));
      }
    }
    return out.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  }

  private async isSubvolume(p: string): Promise<boolean> {
    const st = await this.deps.fs.stat(p).catch(() => undefined);
    return st !== undefined && st.ino === SUBVOLUME_ROOT_INO && st.isDirectory;
  }

  private info(id: string, sourcePath: string, rel: string): SnapshotInfo {
    return { id, provider: this.name, sourcePath, snapshotPath: rel ? path.join(id, rel) : id, createdAt: createdAtFromName(path.basename(id)) ?? '' };
  }
}
