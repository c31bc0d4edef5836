import { spawnSync } from 'node:child_process';

/**
 * Whether this robocopy has /IORATE (newer Windows builds): its `robocopy /?` usage lists it.
 * Run once per executable per run (the copier caches it), argv only, no shell, 10 s at most;
 * robocopy exits 16 after printing the usage. The switch name is ASCII in every OEM code page,
 * so the output is searched as bytes. Anything that goes wrong means "no": /IPG is the fallback.
 */
export function robocopyHasIoRate(executable: string, env: NodeJS.ProcessEnv): boolean {
  try {
    const r = spawnSync(executable, ['/?'], { env, timeout: 10_000, windowsHide: true, maxBuffer: 1 << 20 });
    const text = Buffer.concat([r.stdout ?? Buffer.alloc(0), r.stderr ?? Buffer.alloc(0)]);
    // UTF-16 output (a console set to Unicode) holds the name with NULs between the letters.
    return /\/IORATE/i.test(text.toString('latin1')) || /\/IORATE/i.test(text.toString('utf16le'));
  } catch {
    return false;
  }
}
