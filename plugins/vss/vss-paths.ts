import * as path from 'node:path';

const GUID = /^\{[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}$/i;

/** True for a shadow copy id as Win32_ShadowCopy gives it: `{6e7d3a4c-...}`. */
export function isShadowId(id: string): boolean {
  return GUID.test(id);
}

/**
 * Checks a source is something VSS on this machine can snapshot and returns it normalised with
 * Windows rules (path.win32, whatever the host). Local drive paths and `\\?\` forms of them are
 * accepted; UNC paths are refused with the way round it: VSS makes shadow copies of local volumes,
 * so a share is snapshotted on its file server, by a robocurse running there.
 */
export function checkVssSource(source: string): string {
  const p = source.replace(/\//g, '\\');
  if (/^\\\\\?\\UNC\\/i.test(p) || (/^\\\\[^?.\\]/.test(p))) {
    throw new Error(`cannot snapshot ${source}: VSS snapshots of network shares (UNC paths) are not supported; run robocurse on the file server with the share's local path (e.g. D:\\Shares\\Finance), or set snapshot.required: false to copy the live share`);
  }
  const local = p.replace(/^\\\\\?\\(?=[A-Za-z]:\\)/, '');
  if (!/^[A-Za-z]:\\/.test(local) && !/^\\\\\?\\Volume\{[0-9a-fA-F-]{36}\}\\/.test(local)) {
    throw new Error(`cannot snapshot ${source}: expected an absolute local path such as D:\\Data`);
  }
  return path.win32.normalize(local);
}

/**
 * The source's place below the volume root (`D:\Data\x` on volume `D:\` → `Data\x`). The volume
 * root is what Win32_Volume.Name reports, with its trailing backslash; compared case-insensitively.
 */
export function relativeToVolume(source: string, volumeRoot: string): string {
  const root = volumeRoot.endsWith('\\') ? volumeRoot : `${volumeRoot}\\`;
  const src = source.endsWith('\\') ? source : `${source}\\`;
  if (!src.toLowerCase().startsWith(root.toLowerCase())) throw new Error(`${source} is not on volume ${volumeRoot}`);
  return src.slice(root.length).replace(/\\+$/, '');
}

/** Where the source is inside the shadow copy's device: `\\?\GLOBALROOT\Device\HarddiskVolumeShadowCopy7\Data\x`. */
export function shadowDevicePath(deviceObject: string, rel: string): string {
  const dev = deviceObject.replace(/\\+$/, '');
  const globalRoot = dev.startsWith('\\\\?\\GLOBALROOT') ? dev : `\\\\?\\GLOBALROOT${dev}`;
  return rel ? `${globalRoot}\\${rel}` : `${globalRoot}\\`;
}

/** The link that exposes a shadow copy: `<linkDir>\robocurse-<id without braces, lower case>`. */
export function linkPath(linkDir: string, id: string): string {
  return path.win32.join(linkDir, `robocurse-${id.replace(/[{}]/g, '').toLowerCase()}`);
}

/** Default link folder: %ProgramData%\robocurse\vss (outside every user share). */
export function defaultLinkDir(env: NodeJS.ProcessEnv): string {
  return path.win32.join(env.ProgramData ?? env.PROGRAMDATA ?? 'C:\\ProgramData', 'robocurse', 'vss');
}
