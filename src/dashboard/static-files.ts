import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { packageRoot } from '../paths';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml', '.png': 'image/png',
};

/** The page's own files (web/ in the package) and the prebuilt vendor modules it imports. */
export function staticFiles(): Map<string, string> {
  const root = path.join(packageRoot(), 'web');
  const files = new Map<string, string>();
  const walk = (dir: string, prefix: string): void => {
    for (const ent of fs.readdirSync(dir, { withFileTypes: true })) {
      if (ent.isDirectory()) walk(path.join(dir, ent.name), `${prefix}${ent.name}/`);
      else if (ent.isFile() && TYPES[path.extname(ent.name)]) files.set(`/${prefix}${ent.name}`, path.join(dir, ent.name));
    }
  };
  walk(root, '');
  // htm's package exports no package.json; its main file sits in dist/, beside preact/.
  const htm = path.join(path.dirname(require.resolve('htm')), '..');
  const uplot = path.dirname(require.resolve('uplot/package.json'));
  files.set('/vendor/preact-htm.js', path.join(htm, 'preact', 'standalone.module.js'));
  files.set('/vendor/uPlot.esm.js', path.join(uplot, 'dist', 'uPlot.esm.js'));
  files.set('/vendor/uPlot.min.css', path.join(uplot, 'dist', 'uPlot.min.css'));
  return files;
}

/**
 * Serves exactly the files listed at start-up, read into memory once: a URL is a key in that
 * list or a 404, so no request can name a path on disk.
 */
export function registerStaticFiles(app: FastifyInstance, files: Map<string, string>): void {
  const bodies = new Map<string, { type: string; body: Buffer }>();
  for (const [url, file] of files) bodies.set(url, { type: TYPES[path.extname(file)], body: fs.readFileSync(file) });
  const index = bodies.get('/index.html');
  if (index) bodies.set('/', index);
  for (const [url, f] of bodies) {
    app.get(url, async (_req, reply) => reply.type(f.type).header('cache-control', 'no-cache').send(f.body));
  }
}
