import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Time steps file systems are known to keep mtimes in (ms): exact (ext4, xfs, btrfs, tmpfs, NTFS
 * at 100 ns), 1 ms, exFAT's 10 ms, 1 s (FUSE exFAT, many SMB and NFS servers, HFS+), FAT's 2 s.
 */
const STEPS_MS = [0, 1, 10, 1000, 2000];

/** An odd second and a fraction: FAT rounds it to an even second, whole-second file systems drop it. */
const PROBE_SECONDS = 1_000_000_001.987654;

/**
 * The precision the file system at `root` keeps a file's mtime with, in ms (0 = to the
 * microsecond or better), found by setting a known time on a probe file and reading it back.
 * An engine that compares mtimes to decide "unchanged" must allow this much, or every re-run to
 * such a destination copies everything again (rsync's --modify-window, robocopy's /FFT).
 * undefined when nothing can be probed (no writing allowed, root missing or read-only).
 */
export async function probeMtimeGranularityMs(root: string, opts: { mayWrite: boolean }): Promise<number | undefined> {
  if (!opts.mayWrite) return undefined;
  const probe = path.join(root, `.robocurse-time-probe-${randomBytes(6).toString('hex')}`);
  let fh: fsp.FileHandle;
  try {
    // 'wx': O_CREAT|O_EXCL, so the probe never follows or overwrites anything already there.
    fh = await fsp.open(probe, 'wx', 0o600);
  } catch {
    return undefined;
  }
  try {
    await fh.utimes(PROBE_SECONDS, PROBE_SECONDS);
    const st = await fh.stat({ bigint: true });
    const setNs = BigInt(Math.round(PROBE_SECONDS * 1e6)) * 1000n;
    const diff = st.mtimeNs > setNs ? st.mtimeNs - setNs : setNs - st.mtimeNs;
    const errMs = Number(diff) / 1e6;
    // Node passes times as doubles and truncates them to microseconds: a few µs off is exact.
    if (errMs < 0.01) return 0;
    return STEPS_MS.find((s) => s > 0 && errMs <= s) ?? Math.ceil(errMs);
  } catch {
    return undefined;
  } finally {
    await fh.close().catch(() => undefined);
    await fsp.unlink(probe).catch(() => undefined);
  }
}

/** statfs f_type magic numbers (linux/magic.h) of file systems whose mtime precision is fixed. */
const KNOWN_STEP_MS: ReadonlyMap<number, number> = new Map([
  [0xef53, 0], // ext2/3/4 (256-byte inodes: ns)
  [0x58465342, 0], // xfs
  [0x9123683e, 0], // btrfs
  [0x01021994, 0], // tmpfs
  [0xf2f52010, 0], // f2fs
  [0x2fc12fc1, 0], // zfs
  [0x794c7630, 0], // overlayfs (container roots; its upper layers are local file systems)
  [0x4d44, 2000], // vfat (FAT keeps even seconds)
  [0x2011bab0, 10], // exfat, the kernel driver (10 ms)
]);

/**
 * The mtime precision of the file system holding `root` when its type alone tells it (local
 * Linux file systems, FAT, the kernel's exFAT), so no probe file has to be written into a
 * destination whose re-run should touch nothing; undefined for network, FUSE and unknown types,
 * whose precision depends on the server or driver and must be probed.
 */
export function knownMtimeGranularityMs(root: string): number | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    return KNOWN_STEP_MS.get(Number(fs.statfsSync(root).type) >>> 0);
  } catch {
    return undefined;
  }
}
