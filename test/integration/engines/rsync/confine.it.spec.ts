import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { confineProgram } from '../../../../src/engines/rsync/confine';
import { removeTemp, tempDir } from '../../../helpers/make-tree';

/**
 * robocurse-confine (native/confine.c) itself, on real files: what a confined program may and may
 * not touch. The rsync engine's use of it is tested by the symlink attacks
 * (test/integration/safety/symlink-attacks.it.spec.ts: rsync 3.2.7 would follow those swaps).
 */
describe('robocurse-confine: Landlock rules for a copier', function () {
  let root: string;
  let program: string;
  before(function () {
    // Built at install with the helper; needs Landlock (Linux 5.13+ with it enabled): CI has both.
    const p = confineProgram();
    if (!p) this.skip();
    program = p;
  });
  beforeEach(() => {
    root = tempDir('confine-');
    for (const d of ['src', 'dst', 'outside']) fs.mkdirSync(path.join(root, d));
    fs.writeFileSync(path.join(root, 'src', 'in.txt'), 'source data');
    fs.writeFileSync(path.join(root, 'outside', 'secret.txt'), 'SECRET');
  });
  afterEach(() => removeTemp(root));

  const confinedSh = (script: string, extra: string[] = []): { status: number | null; stdout: string; stderr: string } => {
    const rules = ['--read', '/usr', '--read', '/lib', '--read', '/lib64', '--read-file', '/etc/ld.so.cache', '--write', '/dev/null',
      '--read', path.join(root, 'src'), '--write', path.join(root, 'dst'), ...extra];
    return spawnSync(program, [...rules, '--', '/bin/sh', '-c', script], { encoding: 'utf8', cwd: root });
  };

  it('reads the source and writes the destination', () => {
    const r = confinedSh('cat src/in.txt > dst/out.txt && mkdir dst/d && mv dst/out.txt dst/d/ && rm -r dst/d && echo ok');
    expect(r.stdout.trim(), r.stderr).to.equal('ok');
    expect(r.status).to.equal(0);
  });

  it('reads nothing outside its rules, writes nothing outside the destination, even through a link inside it', () => {
    fs.symlinkSync(path.join(root, 'outside'), path.join(root, 'dst', 'link'));
    fs.symlinkSync(path.join(root, 'outside'), path.join(root, 'src', 'link'));
    for (const script of ['cat outside/secret.txt', 'cat src/link/secret.txt', 'echo x > dst/link/new.txt', 'echo x > outside/new.txt',
      'rm outside/secret.txt', 'mkdir dst/link/d', 'echo x > src/new.txt', 'cat /etc/shadow', 'mv dst src/moved']) {
      const r = confinedSh(script);
      expect(r.status, `${script} should fail`).to.not.equal(0);
      expect(r.stderr, script).to.match(/Permission denied/);
    }
    expect(fs.readdirSync(path.join(root, 'outside'))).to.deep.equal(['secret.txt']);
    expect(fs.readdirSync(path.join(root, 'src')).sort()).to.deep.equal(['in.txt', 'link']);
  });

  it('answers --abi with the kernel\'s Landlock version; refuses bad options and a missing program without running anything', () => {
    const abi = spawnSync(program, ['--abi'], { encoding: 'utf8' });
    expect(abi.status).to.equal(0);
    expect(Number(abi.stdout.trim())).to.be.greaterThan(0);
    const bad = spawnSync(program, ['--exec', '/tmp', '--', '/bin/true'], { encoding: 'utf8' });
    expect([bad.status, bad.stderr]).to.deep.equal([125, 'robocurse-confine: unknown option --exec\n']);
    const none = spawnSync(program, ['--read', root], { encoding: 'utf8' });
    expect(none.status).to.equal(125);
    expect(none.stderr).to.contain('no program to run');
    const missing = spawnSync(program, ['--', path.join(root, 'no-such-program')], { encoding: 'utf8' });
    expect(missing.status).to.equal(127);
  });
});
