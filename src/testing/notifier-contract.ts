import { expect } from 'chai';
import { handlerName, RUN_EVENT_TYPES, type Notifier, type RunEvent } from '../api';
import { deepFreeze } from '../notify/deep-freeze';
import { sampleEvents } from './sample-events';

/** What a notifier's contract run needs; built fresh for each test. */
export interface NotifierUnderTest {
  notifier: Notifier;
  /** Events as they arrived at the other end, when the notifier's output can be read back. */
  received?: () => Promise<RunEvent[]>;
  /** For notifiers that send a summary instead (email): how many messages the other end has got. */
  sent?: () => number;
  cleanup?: () => Promise<void>;
}

/** Delivers `events` the way the NotifierHub does: typed handler, then onEvent, awaited in order. */
export async function deliver(notifier: Notifier, events: RunEvent[]): Promise<void> {
  for (const event of events) {
    const typed = (notifier as Record<string, unknown>)[handlerName(event.type)];
    if (typeof typed === 'function') await (typed as (e: RunEvent) => unknown).call(notifier, event);
    if (typeof notifier.onEvent === 'function') await notifier.onEvent(event);
  }
}

/**
 * The notifier conformance suite. A notifier is done when this passes for it:
 *
 *   runNotifierContract('siem', async () => ({ notifier: ..., received: ..., cleanup: ... }));
 */
export function runNotifierContract(name: string, setup: () => Promise<NotifierUnderTest>): void {
  describe(`Notifier contract: ${name}`, function () {
    this.timeout(20000);
    let sut: NotifierUnderTest;
    beforeEach(async () => { sut = await setup(); });
    afterEach(async () => { await sut?.cleanup?.(); });

    it('has a non-empty name and a flush() method', () => {
      expect(sut.notifier.name).to.be.a('string').and.not.equal('');
      expect(sut.notifier.flush).to.be.a('function');
    });

    it('handles one valid event of every type without throwing, on deep-frozen events', async () => {
      const events = sampleEvents('contract-all').map((e) => deepFreeze(e));
      expect(events.map((e) => e.type)).to.deep.equal([...RUN_EVENT_TYPES]);
      for (const e of events) {
        try {
          await deliver(sut.notifier, [e]);
        } catch (err) {
          expect.fail(`${name} threw on ${e.type}: ${(err as Error).message}`);
        }
      }
      await sut.notifier.flush();
    });

    it('does not mutate events', async () => {
      const events = sampleEvents('contract-mutation');
      const before = JSON.stringify(events);
      await deliver(sut.notifier, events);
      await sut.notifier.flush();
      expect(JSON.stringify(events)).to.equal(before);
    });

    it('flush resolves, also with nothing buffered, and is idempotent (a second flush delivers nothing again)', async () => {
      await sut.notifier.flush();
      const events = sampleEvents('contract-flush').map((e) => deepFreeze(e));
      await deliver(sut.notifier, events);
      await sut.notifier.flush();
      const output = async (): Promise<number> => (sut.received ? (await sut.received()).length : sut.sent?.() ?? 0);
      const once = await output();
      if (sut.received) expect(once, 'events at the other end after the first flush').to.equal(events.length);
      if (sut.sent) expect(once, 'messages at the other end after the first flush').to.equal(1);
      await sut.notifier.flush();
      await sut.notifier.flush();
      expect(await output(), 'output after two more flushes').to.equal(once);
    });

    it('a summary notifier sends its report once per run, by the time flush() resolves', async function () {
      if (!sut.sent) this.skip(); // notifiers that deliver each event are checked by the next test
      const events = sampleEvents('contract-summary').map((e) => deepFreeze(e));
      await deliver(sut.notifier, events.slice(0, -1));
      await sut.notifier.flush();
      expect(sut.sent!(), 'messages before SessionEnd').to.equal(0);
      await deliver(sut.notifier, events.slice(-1));
      await sut.notifier.flush();
      expect(sut.sent!(), 'messages after SessionEnd').to.equal(1);
    });

    it('delivers every event, in order, when its output can be read back', async function () {
      if (!sut.received) this.skip(); // the notifier sends a summary, not one message per event
      const events = [...sampleEvents('contract-order-a'), ...sampleEvents('contract-order-b', Date.UTC(2024, 4, 17, 9))].map((e) => deepFreeze(e));
      await deliver(sut.notifier, events);
      await sut.notifier.flush();
      const got = await sut.received!();
      const key = (e: RunEvent): string => `${e.sessionId}#${e.seq}:${e.type}@${e.timestamp}`;
      expect(got.map(key)).to.deep.equal(events.map(key));
    });
  });
}
