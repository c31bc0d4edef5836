import { expect } from 'chai';
import { EventEmitter } from 'node:events';
import { installEmergencyCleanup } from '../../../src/cli/emergency-cleanup';
import { recordingLogger } from '../../helpers/recording-logger';

describe('installEmergencyCleanup', () => {
  function setup(endAll: () => Promise<void>, timeoutMs = 1000) {
    const target = new EventEmitter();
    const exits: number[] = [];
    let exited!: () => void;
    const exitedP = new Promise<void>((r) => { exited = r; });
    const logger = recordingLogger();
    const remove = installEmergencyCleanup({ endAll }, logger, {
      target: target as unknown as NodeJS.Process, timeoutMs, exit: (c) => { exits.push(c); exited(); },
    });
    return { target, exits, exitedP, logger, remove };
  }

  it('on an uncaught exception deletes the snapshots first, then exits with 4', async () => {
    const order: string[] = [];
    const s = setup(async () => { order.push('endAll'); });
    s.target.emit('uncaughtException', new Error('boom'));
    await s.exitedP;
    order.push('exit');
    expect(order).to.deep.equal(['endAll', 'exit']);
    expect(s.exits).to.deep.equal([4]);
    // The message names the error; its stack stays with `err` (the JSON log), off the human line.
    expect(s.logger.text()).to.contain("uncaught exception: boom; deleting this session's snapshots before exiting").and.not.match(/\n\s+at /);
  });

  it('on an unhandled rejection too; a second error while cleaning up does not exit twice', async () => {
    let release!: () => void;
    const s = setup(() => new Promise<void>((r) => { release = r; }));
    s.target.emit('unhandledRejection', new Error('first'));
    s.target.emit('uncaughtException', new Error('second'));
    release();
    await s.exitedP;
    await new Promise((r) => setTimeout(r, 10));
    expect(s.exits).to.deep.equal([4]);
    expect(s.logger.text()).to.contain('another uncaught exception while deleting snapshots');
  });

  it('exits after the time limit when deleting hangs, and says so', async () => {
    const s = setup(() => new Promise<void>(() => undefined), 30);
    s.target.emit('uncaughtException', new Error('boom'));
    await s.exitedP;
    expect(s.exits).to.deep.equal([4]);
    expect(s.logger.text()).to.contain('took longer than 30 ms');
  });

  it('removes its handlers', () => {
    const s = setup(async () => undefined);
    expect(s.target.listenerCount('uncaughtException')).to.equal(1);
    s.remove();
    expect(s.target.listenerCount('uncaughtException')).to.equal(0);
    expect(s.target.listenerCount('unhandledRejection')).to.equal(0);
  });
});
