import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { packageRoot } from '../../src/paths';

/**
 * A copy of this package in `dir`/pkg whose bin/ is copied and whose dist/src/cli/ holds links
 * to this build's files except those `leaveOut` names (everything else linked to this checkout):
 * a test can then take away, replace or spoil the files the launcher reads beside the bundle.
 */
export function packageCopy(dir: string, leaveOut: (cliFile: string) => boolean): string {
  const root = packageRoot();
  const pkg = path.join(dir, 'pkg');
  fs.mkdirSync(path.join(pkg, 'dist', 'src', 'cli'), { recursive: true });
  const linkAll = (from: string, to: string, except: (name: string) => boolean): void => {
    for (const name of fs.readdirSync(from)) if (!except(name)) fs.symlinkSync(path.join(from, name), path.join(to, name));
  };
  linkAll(root, pkg, (name) => name === 'dist' || name === 'bin');
  fs.cpSync(path.join(root, 'bin'), path.join(pkg, 'bin'), { recursive: true });
  linkAll(path.join(root, 'dist'), path.join(pkg, 'dist'), (name) => name === 'src');
  linkAll(path.join(root, 'dist', 'src'), path.join(pkg, 'dist', 'src'), (name) => name === 'cli');
  linkAll(path.join(root, 'dist', 'src', 'cli'), path.join(pkg, 'dist', 'src', 'cli'), leaveOut);
  return pkg;
}

/** The CLI of `pkg` run the way cron runs it (no terminal), in `cwd`, with its own state folder. */
export function runPackageCli(pkg: string, args: string[], cwd: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(pkg, 'bin', 'robocurse.js'), ...args], {
    cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TERM: 'dumb', FORCE_COLOR: '0', XDG_STATE_HOME: `${cwd}.xdg` },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
