import type { RobocurseConfig } from '../config/types';

/** Names of the environment variables the config's plugin options take secrets from (`{"env": NAME}`). */
export function secretEnvNames(cfg: RobocurseConfig): string[] {
  const names = new Set<string>();
  const walk = (v: unknown, depth: number): void => {
    if (v === null || typeof v !== 'object' || depth > 16) return;
    if (Array.isArray(v)) { v.forEach((x) => walk(x, depth + 1)); return; }
    const entries = Object.entries(v);
    if (entries.length === 1 && entries[0][0] === 'env' && typeof entries[0][1] === 'string') names.add(entries[0][1]);
    for (const [, x] of entries) walk(x, depth + 1);
  };
  for (const p of cfg.global.plugins) walk(p.options, 0);
  return [...names];
}

/**
 * Removes the secret variables from this process's environment once the plugins that read them
 * have started (they read secrets in create(), see docs/security.md), so no child process —
 * rsync, robocopy, PowerShell, btrfs, taskkill, or whatever a plugin spawns — inherits the SMTP
 * password. Only the CLI does this: it owns the process and its environment.
 */
export function dropSecretEnv(cfg: RobocurseConfig, env: NodeJS.ProcessEnv): void {
  for (const name of secretEnvNames(cfg)) if (!ESSENTIAL.test(name)) delete env[name];
}

/**
 * Variables children cannot run without; `{"env": "PATH"}` in some plugin's options is not a
 * secret reference robocurse should act on.
 */
const ESSENTIAL = /^(?:PATH|PATHEXT|HOME|USER|USERNAME|LOGNAME|SHELL|LANG|LANGUAGE|LC_\w+|TZ|TMPDIR|TEMP|TMP|SYSTEMROOT|WINDIR|COMSPEC|SYSTEMDRIVE|USERPROFILE|PROGRAMDATA)$/i;
