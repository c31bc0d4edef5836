import * as fs from 'node:fs';

/** Linux capability bits (linux/capability.h) that decide what a replica can keep. */
const CAP_CHOWN = 0;
const CAP_MKNOD = 27;

/** The effective capability set of this process, from /proc (Linux); undefined elsewhere. */
function effectiveCaps(): bigint | undefined {
  try {
    const m = /^CapEff:\s*([0-9a-f]+)$/m.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    return m ? BigInt(`0x${m[1]}`) : undefined;
  } catch {
    return undefined;
  }
}

function has(cap: number): boolean {
  const caps = effectiveCaps();
  if (caps !== undefined) return (caps & (1n << BigInt(cap))) !== 0n;
  return process.getuid?.() === 0;
}

/** Whether this process may give files to other owners (root, or CAP_CHOWN). */
export function canChown(): boolean {
  return has(CAP_CHOWN);
}

/** Whether this process may create device nodes (root, or CAP_MKNOD). */
export function canMknod(): boolean {
  return has(CAP_MKNOD);
}
