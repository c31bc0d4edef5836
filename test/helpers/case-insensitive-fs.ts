import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** A case-insensitive file system in an image file, mounted for a test. */
export interface CaseInsensitiveMount {
  mountPoint: string;
  /** `vfat` (kernel, loop mount) or `exfat-fuse` (FUSE exFAT on a loop device). */
  kind: 'vfat' | 'exfat-fuse';
  /** Unmounts, frees the loop device and removes the image (lazily when something holds it). */
  dispose(): void;
}

function run(cmd: string, args: string[]): { ok: boolean; out: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
  return { ok: r.status === 0, out: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}`.trim() };
}

function must(cmd: string, args: string[], why: string): string {
  const r = run(cmd, args);
  if (!r.ok) throw new Error(`${why}: ${cmd} ${args.join(' ')} failed: ${r.out}`);
  return r.out;
}

const kernelHas = (fsType: string): boolean =>
  fs.existsSync('/proc/filesystems') && new RegExp(`\\t${fsType}$`, 'm').test(fs.readFileSync('/proc/filesystems', 'utf8'));

/**
 * Mounts a case-insensitive file system: vfat through the kernel where it has vfat, else exFAT
 * through FUSE (exfat-fuse) on a loop device — some kernels (this project's CI VMs) carry neither
 * vfat, exfat nor ext4 casefold. Needs root and loop devices. Throws with what to install when
 * neither works: the tests using it fail rather than skip, so a machine that cannot run them is
 * noticed. Neither keeps POSIX modes or owners: compare names and contents only.
 */
export function mountCaseInsensitive(sizeMb = 64): CaseInsensitiveMount {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'robocurse-ci-fs-'));
  const image = path.join(dir, 'fs.img');
  const mountPoint = path.join(dir, 'mnt');
  fs.mkdirSync(mountPoint);
  let loop: string | undefined;
  const cleanup = (): void => {
    if (!run('umount', [mountPoint]).ok) run('umount', ['-l', mountPoint]);
    if (loop) run('losetup', ['-d', loop]);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    must('truncate', ['-s', `${sizeMb}M`, image], 'cannot create the image file');
    if (kernelHas('vfat')) {
      must('mkfs.vfat', [image], 'cannot make a vfat file system (install dosfstools)');
      must('mount', ['-o', 'loop,utf8', '-t', 'vfat', image, mountPoint], 'cannot loop-mount vfat');
      return { mountPoint, kind: 'vfat', dispose: cleanup };
    }
    must('mkfs.exfat', [image], 'cannot make an exFAT file system (install exfatprogs)');
    loop = must('losetup', ['-f', '--show', image], 'cannot attach a loop device (needs root)');
    must('mount.exfat-fuse', [loop, mountPoint], 'the kernel has no vfat, so exFAT is mounted through FUSE: install exfat-fuse');
    return { mountPoint, kind: 'exfat-fuse', dispose: cleanup };
  } catch (err) {
    cleanup();
    throw err;
  }
}
