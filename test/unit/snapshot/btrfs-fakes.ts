import * as path from 'node:path';
import type { CommandResult, CommandRunner } from '../../../plugins/btrfs/command-runner';
import type { FsView, MountEntry } from '../../../plugins/btrfs/fs-view';
import { BTRFS_SUPER_MAGIC } from '../../../plugins/btrfs/fs-types';

function enoent(p: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`ENOENT: no such file or directory, '${p}'`), { code: 'ENOENT' });
}

/**
 * A filesystem described by its directories: each with an inode number and a filesystem type
 * (btrfs unless said otherwise). Files are not needed: the provider only asks about directories.
 */
export class FakeFs implements FsView {
  readonly dirs = new Map<string, { ino: number; type: number }>();
  readonly removed: string[] = [];
  readonly made: string[] = [];
  mountList: MountEntry[] = [];

  add(p: string, ino = 1000 + this.dirs.size, type = BTRFS_SUPER_MAGIC): this {
    this.dirs.set(p, { ino, type });
    return this;
  }

  private get(p: string): { ino: number; type: number } {
    const d = this.dirs.get(p);
    if (!d) throw enoent(p);
    return d;
  }

  async realpath(p: string): Promise<string> { this.get(p); return p; }
  async fsType(p: string): Promise<number> { return this.get(p).type; }
  async stat(p: string): Promise<{ ino: number; isDirectory: boolean }> { return { ino: this.get(p).ino, isDirectory: true }; }
  async readdir(p: string): Promise<string[]> {
    this.get(p);
    return [...this.dirs.keys()].filter((k) => path.dirname(k) === p && k !== p).map((k) => path.basename(k));
  }
  async mkdir(p: string): Promise<void> {
    if (!this.dirs.has(p)) { this.made.push(p); this.add(p, 5000 + this.dirs.size, this.get(path.dirname(p)).type); }
  }
  async rmdir(p: string): Promise<void> {
    this.get(p);
    if ((await this.readdir(p)).length > 0) throw Object.assign(new Error('ENOTEMPTY'), { code: 'ENOTEMPTY' });
    this.dirs.delete(p);
    this.removed.push(p);
  }
  async mounts(): Promise<MountEntry[]> { return this.mountList; }
}

/** A scripted CommandRunner: every call is recorded; `respond` decides each result. */
export class FakeRunner implements CommandRunner {
  readonly calls: string[][] = [];
  constructor(public respond: (argv: string[]) => Partial<CommandResult> | void = () => undefined) {}

  async run(command: string, args: readonly string[]): Promise<CommandResult> {
    const argv = [command, ...args];
    this.calls.push(argv);
    return { code: 0, stdout: '', stderr: '', ...(this.respond(argv) ?? {}) };
  }

  /** The calls as command lines, for readable assertions. */
  lines(): string[] { return this.calls.map((c) => c.join(' ')); }
}
