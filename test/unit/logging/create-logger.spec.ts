import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { briefError } from '../../../src/errors/brief-error';
import { createLogger } from '../../../src/logging/create-logger';
import { removeTemp, tempDir } from '../../helpers/make-tree';

/**
 * The session log file of src/logging/create-logger.ts: every line written whole and in order as
 * it is logged, and a file that cannot grow (a full disk) costs a warning, never the run.
 */
describe('the session log file', () => {
  let dir: string;
  beforeEach(() => { dir = tempDir(); });
  afterEach(() => removeTemp(dir));

  it('has every line of a burst whole and in order as soon as it is logged, names of several bytes a character included', () => {
    const stderr = new PassThrough();
    const log = createLogger({ sessionId: 's1', logDir: dir, level: 'silent', stderr: stderr as unknown as NodeJS.WriteStream });
    const names = ['é', '日本', '\u{1F4A9}', 'plain'];
    // One turn of the event loop, no flush waited for: each line is in the file as logged.
    for (let i = 0; i < 5000; i++) log.logger.info({ i }, `deleted ${names[i % names.length]}/${i}`);
    const lines = fs.readFileSync(path.join(dir, 'robocurse-s1.log'), 'utf8').split('\n');
    expect(lines.pop()).to.equal('');
    expect(lines).to.have.length(5000);
    lines.forEach((l, i) => expect(JSON.parse(l), l).to.deep.include({ i, msg: `deleted ${names[i % names.length]}/${i}` }));
  });

  it('a log file that cannot grow any more costs one line on stderr, and the process goes on and ends (it hung in the final flush)', function () {
    const prlimit = ['/usr/bin/prlimit', '/bin/prlimit'].find((p) => fs.existsSync(p));
    if (!prlimit) this.skip(); // util-linux's prlimit: installed here and in CI (.ci/run)
    // A file size limit of 16 KiB: the kernel then refuses the log file's writes with EFBIG (the
    // child ignores SIGXFSZ, which would otherwise end it), as a full disk refuses them (ENOSPC).
    const script = `
      process.on('SIGXFSZ', () => {});
      const { createLogger } = require(${JSON.stringify(require.resolve('../../../src/logging/create-logger'))});
      const log = createLogger({ sessionId: 's2', logDir: ${JSON.stringify(dir)}, level: 'silent', stderr: process.stderr });
      let i = 0;
      const more = () => { for (let k = 0; k < 100; k++, i++) log.logger.info({ i }, 'x'.repeat(200)); if (i < 2000) setImmediate(more); else { log.flush(); process.stdout.write('went on\\n'); } };
      more();`;
    const r = spawnSync(prlimit!, ['--fsize=16384', '--', process.execPath, '-e', script], { encoding: 'utf8', timeout: 30_000 });
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.equal('went on\n');
    const warnings = r.stderr.split('\n').filter((l) => l.includes('cannot write the log file'));
    expect(warnings, r.stderr).to.have.length(1);
    expect(warnings[0]).to.match(/robocurse: cannot write the log file .*robocurse-s2\.log any more \(EFBIG\); the run goes on/);
    expect(fs.statSync(path.join(dir, 'robocurse-s2.log')).size).to.be.at.most(16384);
  });
  it('shows an error on stderr as one line, its message and code, never its stack', () => {
    expect(briefError({ type: 'SqliteError', message: 'database or disk is full', stack: 'SqliteError: x\n    at f (a.js:1:1)', code: 'SQLITE_FULL' })).to.equal('database or disk is full (SQLITE_FULL)');
    expect(briefError({ message: 'plain', stack: 'Error: plain\n    at g' })).to.equal('plain');
    expect(briefError({ errno: -28 })).to.equal('{"errno":-28}');
    expect(briefError('a string')).to.equal('a string');
    const stderr = new PassThrough();
    let human = '';
    stderr.on('data', (b: Buffer) => { human += b.toString('utf8'); });
    const log = createLogger({ level: 'info', stderr: stderr as unknown as NodeJS.WriteStream });
    log.logger.error({ err: Object.assign(new Error('disk full'), { code: 'ENOSPC' }) }, 'cannot write');
    expect(human).to.contain('cannot write').and.contain('err: disk full (ENOSPC)').and.not.match(/^\s+at /m);
  });
});
