import { expect } from 'chai';
import type { Notifier, RunEvent } from '../../../src/api';
import { NotifierHub } from '../../../src/notify/notifier-hub';
import { sampleEvents } from '../../contract/sample-events';
import { recordingLogger } from '../../helpers/recording-logger';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => { resolve = r; });
  return { promise, resolve };
}

/** A notifier that records what reached it; `gate` (if set) holds each onEvent until released. */
function recorder(name: string, handle?: (e: RunEvent) => Promise<void> | void): Notifier & { seen: string[]; flushes: number } {
  const n = {
    name, seen: [] as string[], flushes: 0,
    async onEvent(e: RunEvent): Promise<void> { await handle?.(e); n.seen.push(`${e.type}#${e.seq}`); },
    async flush(): Promise<void> { n.flushes++; },
  };
  return n;
}

const events = (): RunEvent[] => sampleEvents('hub');
const keys = (): string[] => events().map((e) => `${e.type}#${e.seq}`);

describe('NotifierHub', () => {
  it('delivers every event to every notifier, in order per notifier, even when handlers take varying time', async () => {
    const delays = [5, 0, 3, 1];
    const slowish = recorder('a', (e) => new Promise((r) => setTimeout(r, delays[e.seq % delays.length])));
    const fast = recorder('b');
    const hub = new NotifierHub([slowish, fast], { timeoutMs: 1000, logger: recordingLogger() });
    for (const e of events()) hub.publish(e);
    await hub.flush();
    expect(slowish.seen).to.deep.equal(keys());
    expect(fast.seen).to.deep.equal(keys());
    expect(hub.stats().map((s) => s.delivered)).to.deep.equal([events().length, events().length]);
  });

  it('returns from publish at once and lets one notifier run ahead of a slower one', async () => {
    const gate = deferred();
    const held = recorder('held', () => gate.promise);
    const free = recorder('free');
    const hub = new NotifierHub([held, free], { timeoutMs: 5000, logger: recordingLogger() });
    for (const e of events()) hub.publish(e);
    expect(held.seen).to.deep.equal([]);
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setTimeout(r, 10));
    expect(free.seen).to.deep.equal(keys());
    expect(held.seen).to.deep.equal([]);
    gate.resolve();
    await hub.flush();
    expect(held.seen).to.deep.equal(keys());
  });

  it('calls the typed handler, then onEvent', async () => {
    const calls: string[] = [];
    const n: Notifier = {
      name: 'typed',
      onChunkStart: (e) => { calls.push(`typed:${e.type}`); },
      onEvent: (e) => { calls.push(`any:${e.type}`); },
      flush: async () => undefined,
    };
    const hub = new NotifierHub([n], { timeoutMs: 1000, logger: recordingLogger() });
    const [, , , chunkStart, progress] = events();
    hub.publish(chunkStart);
    hub.publish(progress);
    await hub.flush();
    expect(calls).to.deep.equal(['typed:ChunkStart', 'any:ChunkStart', 'any:ChunkProgress']);
  });

  it('isolates a notifier that throws or rejects: logged, counted, others unaffected', async () => {
    let i = 0;
    const thrower: Notifier = {
      name: 'thrower',
      onEvent: () => { i++; if (i % 2) throw new Error('sync boom'); return Promise.reject(new Error('async boom')); },
      flush: async () => { throw new Error('flush boom'); },
    };
    const good = recorder('good');
    const logger = recordingLogger();
    const hub = new NotifierHub([thrower, good], { timeoutMs: 1000, logger });
    for (const e of events()) hub.publish(e);
    await hub.flush();
    expect(good.seen).to.deep.equal(keys());
    const [s] = hub.stats();
    expect(s).to.deep.include({ name: 'thrower', failed: events().length, delivered: 0, flushFailed: true });
    const errors = logger.lines.filter((l) => l.level === 'error');
    expect(errors).to.have.length(events().length + 1);
    expect(errors[0].obj).to.deep.include({ notifier: 'thrower', event: 'SessionStart', seq: 1, err: { name: 'Error', message: 'sync boom' } });
  });

  it('moves on from a handler that hangs: later events are skipped (counted), flush still ends', async () => {
    const hang = new Promise<void>(() => undefined);
    const hanger: Notifier & { calls: number } = { name: 'hanger', calls: 0, onEvent() { this.calls++; return hang; }, flush: () => hang };
    const good = recorder('good');
    const logger = recordingLogger();
    const hub = new NotifierHub([hanger, good], { timeoutMs: 30, logger });
    for (const e of events()) hub.publish(e);
    await hub.flush();
    expect(good.seen).to.deep.equal(keys());
    expect(hanger.calls).to.equal(1);
    expect(hub.stats()[0]).to.deep.include({ timedOut: 1, dropped: events().length - 1, delivered: 0, flushFailed: true });
    expect(logger.lines.filter((l) => l.level === 'warn').map((l) => l.msg)).to.have.length(2);
  });

  it('resumes delivering to a notifier once its slow call finally ends', async () => {
    const gate = deferred();
    let first = true;
    const slow = recorder('slow', async () => { if (first) { first = false; await gate.promise; } });
    const hub = new NotifierHub([slow], { timeoutMs: 20, logger: recordingLogger() });
    const all = events();
    hub.publish(all[0]);
    hub.publish(all[1]);
    await hub.flush();
    gate.resolve();
    await new Promise((r) => setTimeout(r, 5));
    hub.publish(all[2]);
    await hub.flush();
    expect(slow.seen).to.deep.equal([`${all[0].type}#1`, `${all[2].type}#3`]);
    expect(hub.stats()[0]).to.deep.include({ timedOut: 1, dropped: 1, delivered: 1 });
  });

  it('hands notifiers a frozen copy: one cannot change what another or the publisher sees', async () => {
    const vandal: Notifier = { name: 'vandal', onEvent: (e) => { (e as { seq: number }).seq = 999; }, flush: async () => undefined };
    const seen: RunEvent[] = [];
    const reader: Notifier = { name: 'reader', onEvent: (e) => { seen.push(e); }, flush: async () => undefined };
    const hub = new NotifierHub([vandal, reader], { timeoutMs: 1000, logger: recordingLogger() });
    const event = events()[0];
    hub.publish(event);
    (event as { seq: number }).seq = 42; // the publisher reusing its object after publish
    await hub.flush();
    expect(seen[0].seq).to.equal(1);
    expect(Object.isFrozen(seen[0].data)).to.equal(true);
    expect(hub.stats()[0].failed).to.equal(1);
  });

  it('flush waits for queued deliveries before calling each notifier flush, and can be called again', async () => {
    const order: string[] = [];
    const n: Notifier = {
      name: 'n',
      onEvent: async (e) => { await new Promise((r) => setTimeout(r, 2)); order.push(`event ${e.seq}`); },
      flush: async () => { order.push('flush'); },
    };
    const hub = new NotifierHub([n], { timeoutMs: 1000, logger: recordingLogger() });
    for (const e of events().slice(0, 3)) hub.publish(e);
    await hub.flush();
    await hub.flush();
    expect(order).to.deep.equal(['event 1', 'event 2', 'event 3', 'flush', 'flush']);
  });

  it('drops (and counts) events beyond maxQueue for a notifier that falls behind', async () => {
    const gate = deferred();
    const held = recorder('held', () => gate.promise);
    const hub = new NotifierHub([held], { timeoutMs: 5000, logger: recordingLogger(), maxQueue: 3 });
    for (const e of events()) hub.publish(e);
    gate.resolve();
    await hub.flush();
    expect(held.seen).to.have.length(3);
    expect(hub.stats()[0].dropped).to.equal(events().length - 3);
  });

  it('logs the first failures of a notifier one by one, then only counts them', async () => {
    const thrower: Notifier = { name: 'thrower', onEvent: () => { throw new Error('boom'); }, flush: async () => undefined };
    const logger = recordingLogger();
    const hub = new NotifierHub([thrower], { timeoutMs: 1000, logger });
    for (let i = 0; i < 3; i++) for (const e of events()) hub.publish(e);
    await hub.flush();
    expect(hub.stats()[0].failed).to.equal(3 * events().length);
    expect(logger.lines.filter((l) => l.level === 'error')).to.have.length(20);
    expect(logger.lines.filter((l) => l.level === 'warn').map((l) => l.msg)).to.deep.equal(['notifier failed 20 times; further failures are counted, not logged']);
  });

  it('never throws from publish, even for an event that cannot be copied', () => {
    const n = recorder('n');
    const logger = recordingLogger();
    const hub = new NotifierHub([n], { timeoutMs: 1000, logger });
    const bad = { ...events()[0], data: { fn: () => 1 } } as unknown as RunEvent;
    expect(() => hub.publish(bad)).not.to.throw();
    expect(hub.stats()[0].dropped).to.equal(1);
    expect(logger.lines[0].level).to.equal('error');
  });
});
