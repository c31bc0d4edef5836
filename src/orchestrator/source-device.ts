import { promises as fsp } from 'node:fs';
import * as path from 'node:path';

/** The file system a path lives on, as far as this host can tell. */
export interface SourceDevice {
  /** st_dev: "major:minor" on Linux, the number elsewhere (the volume serial number on Windows). */
  device: string;
  /** From /proc/self/mountinfo (Linux); null where there is none. */
  fsType: string | null;
  mountPoint: string | null;
  mountSource: string | null;
}

/** Linux's dev_t encoding (glibc gnu_dev_major/minor). */
function linuxDevice(dev: bigint): string {
  const major = ((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn);
  const minor = (dev & 0xffn) | ((dev >> 12n) & ~0xffn);
  return `${major}:${minor}`;
}

/** mountinfo escapes space, tab, newline and backslash as \ooo. */
function unescapeMount(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8)));
}

interface MountLine { majorMinor: string; mountPoint: string; fsType: string; source: string }

/** Parses /proc/self/mountinfo (proc(5)); lines it cannot read are skipped. */
export function parseMountInfo(text: string): MountLine[] {
  const out: MountLine[] = [];
  for (const line of text.split('\n')) {
    const sep = line.indexOf(' - ');
    if (sep < 0) continue;
    const head = line.slice(0, sep).split(' ');
    const tail = line.slice(sep + 3).split(' ');
    if (head.length < 5 || tail.length < 2) continue;
    out.push({ majorMinor: head[2], mountPoint: unescapeMount(head[4]), fsType: tail[0], source: unescapeMount(tail[1]) });
  }
  return out;
}

/**
 * The mount that holds `real` (a real path): the one with the longest mount point above it;
 * among mounts on the same point, the last (it hides the others). Preferring one whose device
 * matches would be wrong for btrfs, whose files report a device of their own.
 */
export function mountOf(mounts: readonly MountLine[], real: string): MountLine | undefined {
  let best: MountLine | undefined;
  for (const m of mounts) {
    const inside = m.mountPoint === '/' || real === m.mountPoint || real.startsWith(`${m.mountPoint}/`);
    if (inside && (!best || m.mountPoint.length >= best.mountPoint.length)) best = m;
  }
  return best;
}

/** Where `source` lives now. Throws when it cannot be stat'ed (the caller reports it). */
export async function probeSourceDevice(source: string): Promise<SourceDevice> {
  const st = await fsp.stat(source, { bigint: true });
  if (process.platform !== 'linux') return { device: String(st.dev), fsType: null, mountPoint: null, mountSource: null };
  const device = linuxDevice(st.dev);
  let mount: MountLine | undefined;
  try {
    const real = await fsp.realpath(source);
    mount = mountOf(parseMountInfo(await fsp.readFile('/proc/self/mountinfo', 'utf8')), path.resolve(real));
  } catch { /* no /proc: the device alone decides */ }
  return { device, fsType: mount?.fsType ?? null, mountPoint: mount?.mountPoint ?? null, mountSource: mount?.source ?? null };
}

/**
 * Whether `now` is the file system `then` was. The device number decides; a changed number is
 * still the same file system when the mount table says so (same mount point, type and source):
 * NFS, SMB and tmpfs get a new anonymous device number each time they are mounted.
 */
export function sameFileSystem(then: SourceDevice, now: SourceDevice): boolean {
  if (then.device === now.device) return true;
  return then.mountPoint !== null && then.mountPoint === now.mountPoint && then.fsType === now.fsType && then.mountSource === now.mountSource;
}

/** `8:1 (ext4 /dev/sda1 on /)`, for messages. */
export function describeDevice(d: SourceDevice): string {
  const mount = d.mountPoint !== null ? ` (${d.fsType ?? '?'} ${d.mountSource ?? '?'} on ${d.mountPoint})` : '';
  return `device ${d.device}${mount}`;
}
