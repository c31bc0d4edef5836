import * as path from 'node:path';
import type { Logger, SnapshotCreateOptions, SnapshotInfo, SnapshotProvider } from '../../src/plugin';
import { windowsSystemExecutable } from '../../src/plugin';
import type { VssOptions } from './options';
import { powershellArgv, type PowerShellRunner } from './powershell-runner';
import { describeCreateFailure, isAccessDenied } from './return-codes';
import { CREATE_SCRIPT, DELETE_SCRIPT, LIST_SCRIPT } from './scripts';
import { checkVssSource, defaultLinkDir, isShadowId, linkPath, relativeToVolume, shadowDevicePath } from './vss-paths';

export interface VssProviderDeps {
  runner: PowerShellRunner;
  logger: Logger;
  /** process.platform, injectable so transcripts replay on any host. */
  platform?: NodeJS.Platform;
  env?: NodeJS.ProcessEnv;
}

/** .NET's round-trip time (7 fraction digits) as the ISO form the state store sorts by. */
function isoOrNow(t: string | undefined): string {
  const d = t ? new Date(t) : new Date();
  return Number.isNaN(d.getTime()) ? new Date().toISOString() : d.toISOString();
}

/** What every script prints: one JSON object. */
interface ScriptResult {
  ok: boolean;
  reason?: string;
  message?: string;
  hresult?: string;
  returnValue?: number;
  volumeRoot?: string;
  fileSystem?: string;
  id?: string;
  deviceObject?: string;
  link?: string;
  installDate?: string;
  status?: string;
  category?: string;
  snapshots?: { id: string; deviceObject: string; volumeRoot?: string; link: string; installDate: string }[];
}

/**
 * Shadow copies (VSS) of local volumes through PowerShell and CIM (Win32_ShadowCopy), each exposed
 * as a directory symbolic link so every engine (robocopy included, which cannot read
 * `\\?\GLOBALROOT\...` device paths) reads the source through an ordinary path. On other systems
 * it loads, and every call rejects saying that VSS needs Windows.
 */
export class VssSnapshotProvider implements SnapshotProvider {
  readonly name = 'vss';
  private readonly linkDir: string;
  private readonly powershell: string;

  constructor(private readonly options: VssOptions, private readonly deps: VssProviderDeps) {
    this.linkDir = options.linkDir ?? defaultLinkDir(deps.env ?? process.env);
    this.powershell = options.powershellPath ?? windowsSystemExecutable('powershell', deps.env ?? process.env);
  }

  private requireWindows(what: string): void {
    const platform = this.deps.platform ?? process.platform;
    if (platform !== 'win32') throw new Error(`cannot ${what}: the vss snapshot provider needs Windows (Volume Shadow Copy Service); this host is ${platform}`);
  }

  private async call(script: string, env: Record<string, string>, what: string): Promise<ScriptResult> {
    const r = await this.deps.runner.run({ argv: powershellArgv(this.powershell, script), env, timeoutMs: this.options.timeoutSeconds * 1000 });
    if (r.spawnError) throw new Error(`cannot ${what}: cannot start ${this.powershell}: ${r.spawnError.message}`);
    if (r.timedOut) throw new Error(`cannot ${what}: PowerShell did not answer within ${this.options.timeoutSeconds} s`);
    const line = r.stdout.trim().split(/\r?\n/).filter((l) => l.startsWith('{')).pop();
    let parsed: ScriptResult | undefined;
    try { parsed = line ? (JSON.parse(line) as ScriptResult) : undefined; } catch { parsed = undefined; }
    if (!parsed) {
      const said = (r.stderr.trim() || r.stdout.trim()).split(/\r?\n/).slice(0, 3).join(' ');
      throw new Error(`cannot ${what}: PowerShell exited with ${r.exitCode} without a result${said ? `: ${said}` : ''}`);
    }
    return parsed;
  }

  async create(sourcePath: string, options: SnapshotCreateOptions): Promise<SnapshotInfo> {
    const what = `snapshot ${sourcePath}`;
    this.requireWindows(what);
    const source = checkVssSource(sourcePath);
    const r = await this.call(CREATE_SCRIPT, { ROBOCURSE_VSS_PATH: source, ROBOCURSE_VSS_LINKDIR: this.linkDir }, what);
    if (!r.ok) throw new Error(`cannot ${what}: ${this.failure(r)}`);
    if (!r.id || !isShadowId(r.id) || !r.volumeRoot || !r.deviceObject || !r.link) throw new Error(`cannot ${what}: unexpected answer from PowerShell: ${JSON.stringify(r)}`);
    const rel = relativeToVolume(source, r.volumeRoot);
    this.deps.logger.debug({ shadowId: r.id, device: shadowDevicePath(r.deviceObject, rel), link: r.link, label: options.label }, `shadow copy of ${r.volumeRoot} for ${source}`);
    return { id: r.id, provider: this.name, sourcePath, snapshotPath: rel ? path.win32.join(r.link, rel) : `${r.link}\\`, createdAt: isoOrNow(r.installDate) };
  }

  private failure(r: ScriptResult): string {
    switch (r.reason) {
      case 'create': return `${describeCreateFailure(r.returnValue ?? -1)}${r.volumeRoot ? ` for volume ${r.volumeRoot}${r.fileSystem ? ` (${r.fileSystem})` : ''}` : ''}`;
      case 'vss-disabled': return `the Volume Shadow Copy service (VSS) is disabled (status ${r.status ?? 'unknown'}): set its start type to Manual (sc.exe config VSS start= demand)`;
      case 'no-vss-service': return 'this Windows has no Volume Shadow Copy service';
      case 'no-volume': return 'no local volume holds this path (a network drive?)';
      case 'vanished': return `the shadow copy ${r.id} was created but is gone already`;
      case 'link': return `the shadow copy could not be exposed as a link (${r.link}): ${r.message}; it was deleted again (creating symbolic links needs an elevated administrator)`;
      case 'exception': return isAccessDenied(r.hresult)
        ? `access denied (${r.hresult}): ${r.message}; run robocurse elevated, as an administrator`
        : `${r.message} (${r.hresult}${r.category ? `, ${r.category}` : ''})`;
      default: return `${r.reason ?? 'failed'}${r.message ? `: ${r.message}` : ''}`;
    }
  }

  async delete(id: string): Promise<void> {
    this.requireWindows(`delete shadow copy ${id}`);
    if (!isShadowId(id)) throw new Error(`cannot delete ${id}: not a shadow copy id ({GUID})`);
    const r = await this.call(DELETE_SCRIPT, { ROBOCURSE_VSS_ID: id, ROBOCURSE_VSS_LINK: linkPath(this.linkDir, id) }, `delete shadow copy ${id}`);
    if (!r.ok) throw new Error(`cannot delete shadow copy ${id}: ${this.failure(r)}`);
  }

  /** robocurse's shadow copies (those with a link in linkDir); with `sourcePath`, those of its volume. */
  async list(sourcePath?: string): Promise<SnapshotInfo[]> {
    this.requireWindows('list shadow copies');
    const source = sourcePath === undefined ? undefined : checkVssSource(sourcePath);
    const r = await this.call(LIST_SCRIPT, { ROBOCURSE_VSS_LINKDIR: this.linkDir }, 'list shadow copies');
    if (!r.ok) throw new Error(`cannot list shadow copies: ${this.failure(r)}`);
    const out: SnapshotInfo[] = [];
    for (const s of r.snapshots ?? []) {
      if (!s.volumeRoot) continue;
      let rel = '';
      if (source !== undefined) {
        try { rel = relativeToVolume(source, s.volumeRoot); } catch { continue; }
      }
      out.push({ id: s.id, provider: this.name, sourcePath: sourcePath ?? s.volumeRoot, snapshotPath: rel ? path.win32.join(s.link, rel) : `${s.link}\\`, createdAt: isoOrNow(s.installDate) });
    }
    return out;
  }
}
