import { builtInPreserveCapabilities } from '../engines/preserve-support';
import { fileSystemFeatures } from '../fs/fs-features';
import { fsxProblem } from '../fs/fsx';
import { canChown } from '../fs/privilege';
import { resolvePreserve } from './preserve';
import type { RobocurseConfig } from './types';

/**
 * `validate`'s preserve warnings: what an enabled profile asks to keep (`preserve.<key>: true`)
 * that its engine or its destination's file system cannot keep, and, once, a native profile
 * running without the file-system helper (no xattrs or ACLs, times to the microsecond). What is
 * off only by default is logged at run time, not warned about here.
 */
export function preserveWarnings(cfg: RobocurseConfig): string[] {
  const out: string[] = [];
  let helperSaid = false;
  for (const p of cfg.profiles.filter((q) => q.enabled)) {
    const { notes } = resolvePreserve(p.preserve ?? {}, {
      privileged: canChown(),
      destination: p.windowsPaths ? undefined : fileSystemFeatures(p.destination),
      engine: builtInPreserveCapabilities(p.engine),
      engineName: p.engine,
    });
    for (const n of notes) if (n.level === 'warn') out.push(`profiles.${p.name}.${n.message}`);
    if (p.engine === 'native' && fsxProblem && process.platform !== 'win32' && !helperSaid) {
      helperSaid = true;
      out.push(`profiles.${p.name}.engine: robocurse's file-system helper is ${fsxProblem}: the native engine keeps no extended attributes or ACLs, times only to the microsecond (docs/engines.md, "Without the helper")`);
    }
  }
  return out;
}
