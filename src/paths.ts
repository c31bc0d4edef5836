import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The package root (the folder holding package.json), found upwards from this compiled file so
 * it holds for any outDir (dist or dist-NAME) and for an installed package.
 */
export function packageRoot(from: string = __dirname): string {
  let dir = from;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'config'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`robocurse: cannot find the package root above ${from}`);
    dir = up;
  }
}

/** Root of the compiled output this file belongs to (dist/ or another outDir). */
export function compiledRoot(): string {
  return path.resolve(__dirname, '..');
}
