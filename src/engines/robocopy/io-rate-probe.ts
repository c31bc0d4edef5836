import { runCommandSync } from '../../process/run-command';

/**
 * Whether this robocopy has /IORATE (newer Windows builds): its `robocopy /?` usage lists it.
 * Run once per executable per run (the copier caches it), argv only, no shell, 10 s at most;
 * robocopy exits 16 after printing the usage. The switch name is ASCII in every OEM code page,
 * so the output is searched as bytes. Anything that goes wrong means "no": /IPG is the fallback.
 */
export function robocopyHasIoRate(executable: string, env: NodeJS.ProcessEnv): boolean {
  try {
    const r = runCommandSync([executable, '/?'], { env, timeoutMs: 10_000, maxBuffer: 1 << 20 });
    const text = Buffer.concat([r.stdout, r.stderr]);
    // UTF-16 output (a console set to Unicode) holds the name with NULs between the letters.
    return /\/IORATE/i.test(text.toString('latin1')) || /\/IORATE/i.test(text.toString('utf16le'));
  } catch {
    return false;
  }
}
