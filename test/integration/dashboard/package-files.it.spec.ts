import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { staticFiles } from '../../../src/dashboard/static-files';
import { packageRoot } from '../../../src/paths';

describe('dashboard page in the npm package', function () {
  this.timeout(60_000);

  it('every page file the server serves is packed, and its vendor modules come from runtime dependencies', () => {
    const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: packageRoot(), encoding: 'utf8' });
    expect(r.status, r.stderr).to.equal(0);
    const packed = new Set((JSON.parse(r.stdout) as { files: { path: string }[] }[])[0].files.map((f) => f.path));
    const files = staticFiles();
    expect(files.has('/index.html') && files.has('/app/main.js') && files.has('/style.css')).to.equal(true);
    const pkg = JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    for (const [url, file] of files) {
      const rel = path.relative(packageRoot(), file).split(path.sep).join('/');
      if (url.startsWith('/vendor/')) {
        const dep = rel.split('/')[1];
        expect(pkg.dependencies, `${url} comes from ${dep}`).to.have.property(dep);
      } else {
        expect(packed.has(rel), `${rel} is in the package`).to.equal(true);
      }
    }
  });
});
