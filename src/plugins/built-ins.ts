import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Folder holding the compiled built-in plugins (`<outDir>/plugins`). Found relative to this
 * compiled file, not the working directory, so it holds for dist/, dist-NAME/ and an installed
 * package alike.
 */
export function builtInPluginDir(): string {
  return path.resolve(__dirname, '../../plugins');
}

/** Names of the built-in plugins: folders under the built-in dir that hold an index.js. */
export function builtInPluginNames(): string[] {
  const dir = builtInPluginDir();
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries
    .filter((e) => e.isDirectory() && fs.existsSync(path.join(dir, e.name, 'index.js')))
    .map((e) => e.name)
    .sort();
}
