import * as fs from 'node:fs';

/** A btrfs mount as listed in /proc/self/mountinfo. */
export interface MountEntry {
  /** major:minor of the filesystem: equal for every mount of one btrfs filesystem. */
  device: string;
  /** The directory of the filesystem mounted there ('/' or, for a subvolume mount, '/data'). */
  root: string;
  mountPoint: string;
  fsType: string;
}

/**
 * The filesystem questions the btrfs provider asks, behind an interface so unit tests can
 * describe a btrfs layout without a btrfs filesystem (the integration tests use the real one).
 */
export interface FsView {
  realpath(p: string): Promise<string>;
  /** f_type of the filesystem holding `p` (statfs(2)). */
  fsType(p: string): Promise<number>;
  /** Inode number, and whether it is a directory (lstat: a link is not followed). */
  stat(p: string): Promise<{ ino: number; isDirectory: boolean }>;
  readdir(p: string): Promise<string[]>;
  mkdir(p: string): Promise<void>;
  rmdir(p: string): Promise<void>;
  mounts(): Promise<MountEntry[]>;
}

/** mountinfo escapes space, tab, newline and backslash as \ooo. */
function unescapeMountField(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_m, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

/** Parses /proc/self/mountinfo: device, root and mount point are fields 3-5; the fs type follows ' - '. */
export function parseMountInfo(text: string): MountEntry[] {
  const out: MountEntry[] = [];
  for (const line of text.split('\n')) {
    const sep = line.indexOf(' - ');
    if (sep < 0) continue;
    const fields = line.slice(0, sep).split(' ');
    const after = line.slice(sep + 3).split(' ');
    if (fields.length < 5 || after.length < 1) continue;
    out.push({ device: fields[2], root: unescapeMountField(fields[3]), mountPoint: unescapeMountField(fields[4]), fsType: after[0] });
  }
  return out;
}

/** The real filesystem. */
export function nodeFsView(): FsView {
  return {
    realpath: (p) => fs.promises.realpath(p),
    fsType: async (p) => (await fs.promises.statfs(p)).type,
    stat: async (p) => {
      const st = await fs.promises.lstat(p);
      return { ino: st.ino, isDirectory: st.isDirectory() };
    },
    readdir: (p) => fs.promises.readdir(p),
    // 0o700: a snapshot shows files as they were, with the permissions they had then; the folder
    // holding them should not widen who can reach those old versions.
    mkdir: async (p) => { await fs.promises.mkdir(p, { recursive: true, mode: 0o700 }); },
    rmdir: (p) => fs.promises.rmdir(p),
    mounts: async () => parseMountInfo(await fs.promises.readFile('/proc/self/mountinfo', 'utf8')),
  };
}
