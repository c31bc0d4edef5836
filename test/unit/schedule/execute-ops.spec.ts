import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { executeOps, ScheduleOpError } from '../../../src/schedule/execute-ops';
import { SpawnCommandRunner } from '../../../src/schedule/runner';
import { FakeRunner } from '../../helpers/fake-runner';
import { removeTemp, tempDir } from '../../helpers/make-tree';

describe('schedule steps', () => {
  let dir: string;
  beforeEach(() => { dir = tempDir(); });
  afterEach(() => removeTemp(dir));

  it('a crontab edited since it was read stops sync before anything is written', async () => {
    const runner = new FakeRunner([{ argv: ['crontab', '-l'], code: 0, stdout: '0 1 * * * /bin/added-meanwhile\n' }]);
    const err = await executeOps([
      { kind: 'exec', argv: ['crontab', '-l'], okCodes: [0, 1], expectStdout: Buffer.from(''), why: 'check' },
      { kind: 'exec', argv: ['crontab', '-'], stdin: Buffer.from('new\n'), why: 'install' },
    ], runner, {}).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(ScheduleOpError).and.to.have.property('message').that.contains('changed since it was read');
    runner.expectDone();
    expect(runner.calls).to.have.length(1);
  });

  it('files are written whole (no temp left behind); a write that cannot happen is a failed step, not a crash', async () => {
    const file = path.join(dir, 'units', 'a.timer');
    await executeOps([{ kind: 'write', path: file, content: 'x\n' }], new FakeRunner([]), {});
    expect(fs.readdirSync(path.dirname(file))).to.deep.equal(['a.timer']);
    fs.writeFileSync(path.join(dir, 'plain'), '');
    const err = await executeOps([{ kind: 'write', path: path.join(dir, 'plain', 'b.timer'), content: 'x' }], new FakeRunner([]), {}).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(ScheduleOpError).and.to.have.property('message').that.matches(/cannot write .*ENOTDIR|EEXIST/);
  });

  it('the real runner: argv without a shell, stdin delivered, exit code and bytes returned; a missing tool is reported', async () => {
    const runner = new SpawnCommandRunner();
    const r = await runner.run(['sh', '-c', 'cat; echo "$1" >&2; exit 3', 'sh', '$(touch /tmp/should-not-exist-robocurse); x'], { stdin: Buffer.from([0xff, 0x00, 0x41]) });
    expect(r.code).to.equal(3);
    expect([...r.stdout]).to.deep.equal([0xff, 0x00, 0x41]);
    expect(r.stderr.toString()).to.equal('$(touch /tmp/should-not-exist-robocurse); x\n');
    expect(fs.existsSync('/tmp/should-not-exist-robocurse')).to.equal(false);
    const missing = await runner.run(['/nonexistent/schtasks']);
    expect(missing.code).to.equal(null);
    expect(missing.spawnError).to.match(/ENOENT/);
    const failed = await executeOps([{ kind: 'exec', argv: ['/nonexistent/schtasks', '/Run'], why: 'start' }], runner, {}).catch((e: unknown) => e);
    expect(failed).to.be.instanceOf(ScheduleOpError).and.to.have.property('message').that.matches(/ENOENT/);
  });
});
