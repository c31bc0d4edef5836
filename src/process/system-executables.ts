import * as path from 'node:path';

/** The Windows programs robocurse starts, by where Windows keeps them under %SystemRoot%. */
const SYSTEM_PROGRAMS = {
  robocopy: ['System32', 'Robocopy.exe'],
  powershell: ['System32', 'WindowsPowerShell', 'v1.0', 'powershell.exe'],
  taskkill: ['System32', 'taskkill.exe'],
} as const;

export type SystemProgram = keyof typeof SYSTEM_PROGRAMS;

const FALLBACK_ROOT = 'C:\\Windows';

/** An environment variable by name, ignoring case (Windows names are; a plain object is not). */
function envValue(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const key = Object.keys(env).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : env[key];
}

/**
 * %SystemRoot% when it is a plain absolute local path (`C:\Windows`), else `C:\Windows`: a value
 * that is relative, a UNC share or carries odd characters would move the programs somewhere else.
 */
export function windowsSystemRoot(env: NodeJS.ProcessEnv = process.env): string {
  const v = envValue(env, 'SystemRoot');
  if (v === undefined || !/^[A-Za-z]:\\[^\u0000-\u001f"*?<>|/]*$/.test(v) || v.split('\\').includes('..')) return FALLBACK_ROOT;
  return path.win32.normalize(v).replace(/\\+$/, '');
}

/**
 * The absolute path of a Windows system program, e.g. `C:\Windows\System32\Robocopy.exe`. A bare
 * name would be looked up in the current directory and on PATH first, where anyone who can
 * write one of those folders could put their own robocopy.exe (search-path hijacking).
 */
export function windowsSystemExecutable(program: SystemProgram, env: NodeJS.ProcessEnv = process.env): string {
  return path.win32.join(windowsSystemRoot(env), ...SYSTEM_PROGRAMS[program]);
}
