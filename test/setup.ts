import 'reflect-metadata';
import * as sinon from 'sinon';

// Root hooks: every test starts with no leftover stubs or fake timers.
export const mochaHooks = {
  afterEach(): void {
    sinon.restore();
  },
};
