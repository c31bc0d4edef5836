import { expect } from 'chai';
import fc from 'fast-check';
import { buildRobocopyArgs, type RobocopyArgsInput } from '../../../src/engines/robocopy/build-args';
import { quoteCmdArg, windowsCommandLine } from '../../../src/process/windows-command-line';
import { parseWindowsCommandLine } from '../../helpers/windows-argv';

describe('windowsCommandLine: the CreateProcess command line Node (libuv) builds', () => {
  // The expected outputs listed in libuv's quote_cmd_arg (src/win/process.c), plus the cases
  // robocurse hands to robocopy.
  const cases: [string, string][] = [
    ['', '""'],
    ['hello', 'hello'],
    ['hello"world', '"hello\\"world"'],
    ['hello""world', '"hello\\"\\"world"'],
    ['hello\\world', 'hello\\world'],
    ['hello\\\\world', 'hello\\\\world'],
    ['hello\\"world', '"hello\\\\\\"world"'],
    ['hello\\\\"world', '"hello\\\\\\\\\\"world"'],
    ['hello world\\', '"hello world\\\\"'],
    ['R&D', 'R&D'],
    ['D:\\Data\\R&D', 'D:\\Data\\R&D'],
    ['50%', '50%'],
    ['%PATH%', '%PATH%'],
    ['a^b', 'a^b'],
    ['D:\\My Docs\\R&D 100%', '"D:\\My Docs\\R&D 100%"'],
    ['D:\\My Docs\\', '"D:\\My Docs\\\\"'],
    ['\\\\nas\\share name\\dir', '"\\\\nas\\share name\\dir"'],
    ['tab\there', '"tab\there"'],
    ['/UNILOG:C:\\Logs\\run 1\\a.log', '"/UNILOG:C:\\Logs\\run 1\\a.log"'],
  ];
  for (const [arg, quoted] of cases) {
    it(`${JSON.stringify(arg)} → ${quoted}`, () => {
      expect(quoteCmdArg(arg)).to.equal(quoted);
      expect(parseWindowsCommandLine(quoted)).to.deep.equal([arg]);
    });
  }

  it('joins the quoted arguments with single spaces, the executable first', () => {
    expect(windowsCommandLine(['C:\\Windows\\System32\\Robocopy.exe', 'D:\\R&D', 'E:\\Backup\\R&D', '/XF', '*.tmp', 'a b', '/R:3']))
      .to.equal('C:\\Windows\\System32\\Robocopy.exe D:\\R&D E:\\Backup\\R&D /XF *.tmp "a b" /R:3');
  });

  it('gives robocopy exactly the argv robocurse built, for a chunk with every awkward character it allows', () => {
    const input: RobocopyArgsInput = {
      profile: 'docs', source: 'D:\\Data\\R&D 50%\\a^b', destination: '\\\\nas01\\backup share\\R&D\\', kind: 'tree', mirror: true, dryRun: false,
      excludeFiles: ['~$*', 'Thumbs.db', 'x&y%z^.tmp', 'with space.txt'], excludeDirs: ['cache\\old dir\\', '$RECYCLE.BIN'],
      sourceRoot: 'D:\\Data', engineRetries: 3, engineWaitSeconds: 10, logPath: 'C:\\Logs\\run 1\\chunk&1.log', userSwitches: ['/COPY:DAT'],
    };
    const argv = ['C:\\Windows\\System32\\Robocopy.exe', ...buildRobocopyArgs(input)];
    const line = windowsCommandLine(argv);
    expect(line).to.equal('C:\\Windows\\System32\\Robocopy.exe "D:\\Data\\R&D 50%\\a^b" "\\\\nas01\\backup share\\R&D" /MIR /XJD /XJF /R:3 /W:10 /MT:8 '
      + '/BYTES /FP /NDL /TEE "/UNILOG:C:\\Logs\\run 1\\chunk&1.log" /COPY:DAT /XF ~$* Thumbs.db x&y%z^.tmp "with space.txt" '
      + '/XD "D:\\Data\\cache\\old dir" $RECYCLE.BIN');
    expect(parseWindowsCommandLine(line)).to.deep.equal(argv);
  });

  it('round-trips any argument through the MSVCRT rules (property)', () => {
    fc.assert(fc.property(fc.array(fc.string({ unit: fc.constantFrom('a', ' ', '\t', '"', '\\', '&', '%', '^', 'x') }), { minLength: 1, maxLength: 6 }), (argv) => {
      expect(parseWindowsCommandLine(windowsCommandLine(argv))).to.deep.equal(argv);
    }), { numRuns: 500 });
  });
});
