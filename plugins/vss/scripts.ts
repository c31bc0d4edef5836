/**
 * The PowerShell scripts of the vss provider. They are constants: every value they work on (paths,
 * shadow ids) arrives in ROBOCURSE_VSS_* environment variables and is used as a .NET string, never
 * pasted into script text. Each prints exactly one JSON object on stdout, `{ ok: true, ... }` or
 * `{ ok: false, reason, ... }`, also when a cmdlet throws, so the provider never parses prose.
 * The first line names the script (transcripts and tests identify calls by it).
 */

const PRELUDE = String.raw`
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
# Non-ASCII paths must survive the pipe: stdout is UTF-8, not the console's OEM code page.
[Console]::OutputEncoding = New-Object System.Text.UTF8Encoding $false
function Out-Result($o) { [Console]::Out.Write((ConvertTo-Json -InputObject $o -Compress -Depth 6)) }
function Out-Failure($e) {
  Out-Result @{ ok = $false; reason = 'exception'; message = [string]$e.Exception.Message;
    hresult = ('0x{0:X8}' -f $e.Exception.HResult); category = [string]$e.CategoryInfo.Category }
}
`;

/**
 * Finds the volume holding ROBOCURSE_VSS_PATH (the longest Win32_Volume name that prefixes it, so
 * a volume mounted in a folder wins over the drive it is mounted on), creates a shadow copy of it
 * and exposes it as a directory symbolic link ROBOCURSE_VSS_LINKDIR\robocurse-<id>. The link is
 * made by `cmd /c mklink /D`, whose arguments cmd expands from the environment inside quotes (a
 * Windows path cannot contain a quote); the target keeps its trailing backslash, without which the
 * link would not resolve to the shadow volume's root. A shadow copy whose link cannot be made is
 * deleted again before reporting the failure.
 */
export const CREATE_SCRIPT = String.raw`# robocurse-vss: create` + PRELUDE + String.raw`
$made = $null
try {
  $svc = Get-Service -Name VSS -ErrorAction SilentlyContinue
  if ($null -eq $svc) { Out-Result @{ ok = $false; reason = 'no-vss-service' }; exit 0 }
  # Stopped is normal (the service starts on demand); Disabled makes every Create fail.
  if ([string]$svc.StartType -eq 'Disabled') { Out-Result @{ ok = $false; reason = 'vss-disabled'; status = [string]$svc.Status }; exit 0 }
  $path = $env:ROBOCURSE_VSS_PATH.TrimEnd('\') + '\'
  $volume = Get-CimInstance -ClassName Win32_Volume |
    Where-Object { $_.Name -and $path.StartsWith([string]$_.Name, [StringComparison]::OrdinalIgnoreCase) } |
    Sort-Object -Property { ([string]$_.Name).Length } -Descending | Select-Object -First 1
  if ($null -eq $volume) { Out-Result @{ ok = $false; reason = 'no-volume' }; exit 0 }
  $r = Invoke-CimMethod -ClassName Win32_ShadowCopy -MethodName Create -Arguments @{ Volume = [string]$volume.Name; Context = 'ClientAccessible' }
  if ($r.ReturnValue -ne 0) {
    Out-Result @{ ok = $false; reason = 'create'; returnValue = [int]$r.ReturnValue; volumeRoot = [string]$volume.Name; fileSystem = [string]$volume.FileSystem }; exit 0
  }
  $id = [string]$r.ShadowID
  $sc = Get-CimInstance -ClassName Win32_ShadowCopy | Where-Object { $_.ID -eq $id }
  if ($null -eq $sc) { Out-Result @{ ok = $false; reason = 'vanished'; id = $id }; exit 0 }
  $made = $sc
  $device = [string]$sc.DeviceObject
  [void][System.IO.Directory]::CreateDirectory($env:ROBOCURSE_VSS_LINKDIR)
  $env:ROBOCURSE_VSS_LINK = [System.IO.Path]::Combine($env:ROBOCURSE_VSS_LINKDIR, 'robocurse-' + $id.Trim('{}').ToLowerInvariant())
  $env:ROBOCURSE_VSS_TARGET = $device + '\'
  # Windows PowerShell turns a native command's stderr into errors, which 'Stop' would throw.
  $ErrorActionPreference = 'Continue'
  $said = & cmd.exe /d /c 'mklink /D "%ROBOCURSE_VSS_LINK%" "%ROBOCURSE_VSS_TARGET%"' 2>&1 | Out-String
  $linkExit = $LASTEXITCODE
  $ErrorActionPreference = 'Stop'
  if ($linkExit -ne 0) {
    $made = $null
    $sc | Remove-CimInstance
    Out-Result @{ ok = $false; reason = 'link'; message = $said.Trim(); id = $id; link = $env:ROBOCURSE_VSS_LINK }; exit 0
  }
  Out-Result @{ ok = $true; id = $id; deviceObject = $device; volumeRoot = [string]$volume.Name; link = $env:ROBOCURSE_VSS_LINK;
    installDate = $sc.InstallDate.ToUniversalTime().ToString('o') }
} catch {
  # A shadow copy made before the failure would otherwise stay, unrecorded.
  if ($null -ne $made) { try { $made | Remove-CimInstance } catch { } }
  Out-Failure $_
}
`;

/**
 * Removes the link (RemoveDirectory on a reparse point removes the link, never what it points to;
 * anything at that path that is not a link is refused) and then the shadow copy. A shadow copy or
 * link already gone is not an error: delete is idempotent.
 */
export const DELETE_SCRIPT = String.raw`# robocurse-vss: delete` + PRELUDE + String.raw`
try {
  $id = $env:ROBOCURSE_VSS_ID
  if ($id -notmatch '^\{[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\}$') { Out-Result @{ ok = $false; reason = 'bad-id' }; exit 0 }
  $link = $env:ROBOCURSE_VSS_LINK
  $linkRemoved = $false
  $item = Get-Item -LiteralPath $link -Force -ErrorAction SilentlyContinue
  if ($null -ne $item) {
    if (-not ($item.Attributes -band [System.IO.FileAttributes]::ReparsePoint)) { Out-Result @{ ok = $false; reason = 'not-a-link'; link = $link }; exit 0 }
    [System.IO.Directory]::Delete($link, $false)
    $linkRemoved = $true
  }
  $sc = Get-CimInstance -ClassName Win32_ShadowCopy | Where-Object { $_.ID -eq $id }
  if ($null -ne $sc) { $sc | Remove-CimInstance }
  Out-Result @{ ok = $true; existed = ($null -ne $sc); linkRemoved = $linkRemoved }
} catch { Out-Failure $_ }
`;

/**
 * Lists the shadow copies that have a robocurse link in ROBOCURSE_VSS_LINKDIR: the link is how
 * robocurse recognises its own. Shadow copies made by Windows Backup, System Restore or an admin
 * have none and are never listed (so never counted or deleted).
 */
export const LIST_SCRIPT = String.raw`# robocurse-vss: list` + PRELUDE + String.raw`
try {
  $links = @{}
  if ([System.IO.Directory]::Exists($env:ROBOCURSE_VSS_LINKDIR)) {
    foreach ($d in [System.IO.Directory]::GetDirectories($env:ROBOCURSE_VSS_LINKDIR, 'robocurse-*')) {
      $links[[System.IO.Path]::GetFileName($d).Substring(10).ToLowerInvariant()] = $d
    }
  }
  $volumes = @{}
  foreach ($v in Get-CimInstance -ClassName Win32_Volume) { $volumes[[string]$v.DeviceID] = [string]$v.Name }
  $found = @()
  foreach ($sc in Get-CimInstance -ClassName Win32_ShadowCopy) {
    $key = ([string]$sc.ID).Trim('{}').ToLowerInvariant()
    if ($links.ContainsKey($key)) {
      $found += @{ id = [string]$sc.ID; deviceObject = [string]$sc.DeviceObject; volumeRoot = $volumes[[string]$sc.VolumeName];
        link = $links[$key]; installDate = $sc.InstallDate.ToUniversalTime().ToString('o') }
    }
  }
  Out-Result @{ ok = $true; snapshots = $found }
} catch { Out-Failure $_ }
`;

export type VssScriptName = 'create' | 'delete' | 'list';

/** The name on a script's first line, or undefined for another script. */
export function scriptName(script: string): VssScriptName | undefined {
  const m = /^# robocurse-vss: (create|delete|list)\b/.exec(script);
  return m ? (m[1] as VssScriptName) : undefined;
}
