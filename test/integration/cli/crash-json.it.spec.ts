import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCliLikeCron } from '../../helpers/cli-child';
import { makeTree, removeTemp, tempDir } from '../../helpers/make-tree';

/**
 * A bug during a run (here a notifier plugin whose timer throws: an uncaught exception in the
 * process), run like cron with --json: exit 4, and stdout's last line says why no summary came;
 * the stack is in the session's log file, not on stderr.
 */
describe('a run that crashes, with --json (real CLI, like cron)', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => { dir = tempDir('robocurse-crash-json-'); });
  afterEach(() => removeTemp(dir));

  it('ends with exit 4 and a {"type":"error"} line naming the error and the log; no trace on stderr', async () => {
    makeTree(path.join(dir, 'src'), { a: { 'f.txt': 'x' } });
    fs.mkdirSync(path.join(dir, 'buggy'));
    fs.writeFileSync(path.join(dir, 'buggy', 'index.js'), `exports.plugins = [{ kind: 'notifier', name: 'buggy', version: '1.0.0', apiVersion: '^1.0.0', optionsSchema: {},
  create: () => ({ name: 'buggy', onEvent(ev) { if (ev.type === 'ScanComplete') setTimeout(() => { throw new Error('plugin bug'); }, 0); }, flush: async () => {} }) }];\n`);
    fs.writeFileSync(path.join(dir, 'robocurse.json'), JSON.stringify({
      version: 1, global: { logDir: 'logs', stateDir: 'state', plugins: [{ use: './buggy' }] },
      profiles: { data: { source: 'src', destination: 'dst' } },
    }));
    const r = await runCliLikeCron(['run', '--all', '--json'], { cwd: dir });
    expect(r.code, r.stderr).to.equal(4);
    const last = r.lines[r.lines.length - 1] as { type: string; exitCode: number; message: string };
    expect(last.type, r.stdout).to.equal('error');
    expect(last.exitCode).to.equal(4);
    expect(last.message).to.match(/^internal error: uncaught exception: plugin bug \(details in .*robocurse-[\d-]+[0-9a-f]+\.log\)$/);
    expect(r.summary).to.equal(undefined);
    expect(r.stderr).to.contain('uncaught exception: plugin bug').and.not.match(/^\s+at /m);
    const log = fs.readFileSync(last.message.replace(/^.*\(details in (.*)\)$/, '$1'), 'utf8');
    expect(log).to.match(/"stack":"Error: plugin bug\\n\s+at /);
  });
});
