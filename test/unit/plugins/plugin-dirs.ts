import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** A temp "config folder" for loader tests; files are written relative to it. */
export function tempConfigDir(files: Record<string, string> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'robocurse-plugins-'));
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(dir, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
  return dir;
}

/** A CommonJS plugin module exporting one notifier declaration; `patch` is spread over it. */
export function notifierModule(name: string, patch = '', schema = '{}'): string {
  return `exports.plugins = [{ kind: 'notifier', name: ${JSON.stringify(name)}, version: '1.2.3', apiVersion: '^1.0.0',
  optionsSchema: ${schema}, create: (ctx) => ({ name: ${JSON.stringify(name)}, ctx, flush: async () => {} }), ${patch} }];\n`;
}

/** The source folder of the sample webhook notifier (not compiled: found from the repo root). */
export function webhookFixtureDir(): string {
  let dir = __dirname;
  for (;;) {
    const candidate = path.join(dir, 'test', 'fixtures', 'webhook-notifier');
    if (fs.existsSync(path.join(candidate, 'package.json'))) return candidate;
    const up = path.dirname(dir);
    if (up === dir) throw new Error('cannot find test/fixtures/webhook-notifier above the compiled tests');
    dir = up;
  }
}
