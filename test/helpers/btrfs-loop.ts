import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** A btrfs filesystem in an image file, loop-mounted, with one subvolume `data`. */
export interface BtrfsLoop {
  image: string;
  mountPoint: string;
  /** `<mountPoint>/data`, a subvolume. */
  subvolume: string;
  /** Names (paths from the top level) of every subvolume now on the filesystem. */
  subvolumes(): string[];
  /** Unmounts and removes the image (also when something still holds the mount: lazy unmount). */
  dispose(): void;
}

function run(cmd: string, args: string[]): { ok: boolean; out: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}`.trim();
  return { ok: r.status === 0, out };
}

function must(cmd: string, args: string[], why: string): string {
  const r = run(cmd, args);
  if (!r.ok) throw new Error(`${why}: ${cmd} ${args.join(' ')} failed: ${r.out}`);
  return r.out;
}

/**
 * Makes a real btrfs filesystem for a test: truncate an image, mkfs.btrfs, mount -o loop, create
 * a subvolume. Needs root, loop devices, btrfs-progs and the btrfs kernel module. When any is
 * missing it throws with what failed and what to install: these tests fail rather than skip, so
 * a CI machine that cannot run them is noticed instead of silently passing.
 */
export function mountBtrfsLoop(sizeMb = 300): BtrfsLoop {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'robocurse-btrfs-'));
  const image = path.join(dir, 'fs.img');
  const mountPoint = path.join(dir, 'mnt');
  fs.mkdirSync(mountPoint);
  const hint = 'the btrfs snapshot tests need root, btrfs-progs (mkfs.btrfs, btrfs), loop devices and the btrfs kernel module (modprobe btrfs)';
  try {
    must('truncate', ['-s', `${sizeMb}M`, image], 'cannot create the image file');
    must('mkfs.btrfs', ['-q', '-f', image], `cannot make a btrfs filesystem (${hint})`);
    const m = run('mount', ['-o', 'loop', '-t', 'btrfs', image, mountPoint]);
    if (!m.ok) {
      const hasModule = fs.existsSync('/proc/filesystems') && /\tbtrfs$/m.test(fs.readFileSync('/proc/filesystems', 'utf8'));
      throw new Error(`cannot mount a btrfs loop image: ${m.out}${hasModule ? '' : ' (btrfs is not in /proc/filesystems: the kernel has no btrfs support loaded)'}; ${hint}`);
    }
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const subvolume = path.join(mountPoint, 'data');
  must('btrfs', ['subvolume', 'create', subvolume], 'cannot create a subvolume');
  return {
    image, mountPoint, subvolume,
    subvolumes: () => must('btrfs', ['subvolume', 'list', '-a', mountPoint], 'cannot list subvolumes')
      .split('\n').map((l) => /path (.+)$/.exec(l)?.[1]?.replace(/^<FS_TREE>\//, '')).filter((p): p is string => Boolean(p)),
    dispose(): void {
      if (!run('umount', [mountPoint]).ok) run('umount', ['-l', mountPoint]);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
