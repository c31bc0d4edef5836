import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { displayNames, displayNamesInJsonLine } from '../../../src/fs/display-names';
import { createLogger } from '../../../src/logging/create-logger';
import { EventBus } from '../../../src/orchestrator/event-bus';
import { removeTemp, tempDir } from '../../helpers/make-tree';

// 'caf\udce9' is how robocurse carries the Latin-1 name `caf<0xE9>` (src/fs/byte-names).
const LATIN1 = 'caf\udce9';

describe('displayNames', () => {
  it('shows escaped bytes as \\xNN at any depth, copying only what changed', () => {
    const untouched = { n: 1, list: ['plain'] };
    const v = { a: LATIN1, nested: { errors: [{ path: `/src/${LATIN1}`, code: 'EACCES' }] }, untouched, when: new Date(0) };
    const out = displayNames(v);
    expect(out).to.deep.equal({ a: 'caf\\xE9', nested: { errors: [{ path: '/src/caf\\xE9', code: 'EACCES' }] }, untouched, when: new Date(0) });
    expect(out.untouched).to.equal(untouched);
    expect(v.a, 'the input is not mutated').to.equal(LATIN1);
  });

  it('returns the very same value when nothing needs showing differently', () => {
    const v = { a: 'café', b: ['日本語', 'pile \u{1F4A9}'], c: null, d: 3 };
    expect(displayNames(v)).to.equal(v);
  });

  it('rewrites a serialised JSON line so it parses to the shown name (raw or \\u-escaped surrogates)', () => {
    const value = { msg: `cannot read ${LATIN1}`, pile: '\u{1F4A9}', slash: 'a\\udce9' };
    const raw = `{"msg":"cannot read ${LATIN1}","pile":"\u{1F4A9}","slash":"a\\\\udce9"}`;
    const escapedPair = '{"msg":"cannot read caf\\udce9","pile":"\\ud83d\\udca9","slash":"a\\\\udce9"}';
    for (const line of [JSON.stringify(value), raw, escapedPair]) {
      const fixed = displayNamesInJsonLine(line);
      expect(Buffer.from(fixed, 'utf8').toString('utf8'), line).to.equal(fixed);
      expect(JSON.parse(fixed), line).to.deep.equal({ msg: 'cannot read caf\\xE9', pile: '\u{1F4A9}', slash: 'a\\udce9' });
    }
  });
});

describe('names that are not UTF-8 in logs and events', () => {
  let dir: string;
  beforeEach(() => { dir = tempDir(); });
  afterEach(() => removeTemp(dir));

  it('the session log file and the human lines on stderr show \\xNN, never U+FFFD', async () => {
    const stderr = new PassThrough();
    let human = '';
    stderr.on('data', (b: Buffer) => { human += b.toString('utf8'); });
    const log = createLogger({ sessionId: 's1', logDir: dir, level: 'info', stderr: stderr as unknown as NodeJS.WriteStream });
    log.logger.warn({ relPath: LATIN1, errors: [{ path: `/src/${LATIN1}` }] }, `scan: cannot read ${LATIN1}`);
    log.flush();
    await new Promise((r) => setTimeout(r, 50));
    const file = fs.readFileSync(path.join(dir, 'robocurse-s1.log'), 'utf8');
    expect(file).to.not.contain('\ufffd');
    expect(JSON.parse(file.trim())).to.deep.include({ relPath: 'caf\\xE9', msg: 'scan: cannot read caf\\xE9', errors: [{ path: '/src/caf\\xE9' }] });
    expect(human).to.contain('cannot read caf\\xE9').and.not.contain('\ufffd');
  });

  it('events carry names shown as \\xNN', () => {
    const bus = new EventBus('s1');
    const seen: unknown[] = [];
    bus.subscribe((e) => seen.push(e.data));
    bus.emit('Warning', { code: 'X', message: `cannot copy ${LATIN1}` });
    expect(seen).to.deep.equal([{ code: 'X', message: 'cannot copy caf\\xE9' }]);
  });
});
