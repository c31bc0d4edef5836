import { expect } from 'chai';
import { escapeParamValue, formatRfc5424, octetCounted, sdName, type SyslogHeader } from '../../../../plugins/siem/rfc5424';

const header: SyslogHeader = {
  facility: 'local0', severity: 3, timestamp: '2024-05-17T10:30:00.123+02:00',
  hostname: 'fs01', appName: 'robocurse', procId: '4242', msgId: 'ChunkError',
};

describe('siem: RFC 5424 formatting', () => {
  it('writes PRI from facility and severity, version 1, and the header fields in order', () => {
    const line = formatRfc5424(header, { id: 'robocurse@32473', params: [['seq', 7]] }, '{"a":1}');
    expect(line).to.equal('<131>1 2024-05-17T10:30:00.123+02:00 fs01 robocurse 4242 ChunkError [robocurse@32473 seq="7"] {"a":1}');
  });

  it('escapes ", \\ and ] in parameter values, and folds line breaks', () => {
    expect(escapeParamValue('a"b\\c]d')).to.equal('a\\"b\\\\c\\]d');
    expect(escapeParamValue('one\r\ntwo\nthree')).to.equal('one two three');
    const line = formatRfc5424(header, { id: 'x@1', params: [['path', 'C:\\dir "q" [v]']] }, '-');
    expect(line).to.include('[x@1 path="C:\\\\dir \\"q\\" [v\\]"]');
  });

  it('keeps scalar params only (arrays and objects travel in the JSON message)', () => {
    const line = formatRfc5424(header, { id: 'x@1', params: [['n', 1], ['b', false], ['list', [1]], ['obj', { a: 1 }], ['none', undefined]] }, '-');
    expect(line).to.include('[x@1 n="1" b="false"]');
  });

  it('makes header fields and SD names legal: printable ASCII, no space, length limits, "-" when empty', () => {
    const line = formatRfc5424({ ...header, hostname: 'my host', appName: 'a'.repeat(60), msgId: '' }, { id: 'x@1', params: [['bad name="x"]', 1]] }, 'm');
    const [, , host, app, , msgid] = line.split(' ');
    expect(host).to.equal('my_host');
    expect(app).to.have.length(48);
    expect(msgid).to.equal('-');
    expect(sdName('bad name="x"]')).to.equal('bad_name__x__');
    expect(sdName('x'.repeat(40))).to.have.length(32);
  });

  it('normalises a timestamp that is not RFC 3339 with at most 6 fraction digits', () => {
    const line = formatRfc5424({ ...header, timestamp: '2024-05-17T08:30:00.1234567Z' }, { id: 'x@1', params: [] }, 'm');
    expect(line.split(' ')[1]).to.equal('2024-05-17T08:30:00.123Z');
  });

  it('frames for TCP with the byte (not character) length of the message', () => {
    const frame = octetCounted('héllo ✓');
    expect(frame.toString('utf8')).to.equal(`${Buffer.byteLength('héllo ✓')} héllo ✓`);
    expect(frame.toString('utf8').startsWith('10 ')).to.equal(true);
  });
});
