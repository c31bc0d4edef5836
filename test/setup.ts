import 'reflect-metadata';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as sinon from 'sinon';

// The CLI children of the tests inherit this environment: their record of the last state folder
// (src/cli/user-state.ts) goes to a folder of this test process, removed at its exit, not to the
// ~/.local/state of whoever runs the suite (where it named temp folders long deleted). A test that
// needs its own sets XDG_STATE_HOME for its child.
const xdgStateHome = fs.mkdtempSync(path.join(os.tmpdir(), 'robocurse-test-xdg-'));
process.env.XDG_STATE_HOME = xdgStateHome;
process.on('exit', () => fs.rmSync(xdgStateHome, { recursive: true, force: true }));

// Root hooks: every test starts with no leftover stubs or fake timers.
export const mochaHooks = {
  afterEach(): void {
    sinon.restore();
  },
};
