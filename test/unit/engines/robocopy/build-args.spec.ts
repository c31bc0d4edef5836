import { expect } from 'chai';
import {
  buildRobocopyArgs, checkUserSwitches, ipgForBandwidth, robocopySwitchProblems, RobocopyArgumentError,
  type RobocopyArgsInput,
} from '../../../../src/engines/robocopy';
import { preserveSwitches, robocopyFileListProblem } from '../../../../src/engines/robocopy/build-args';

const LOG = 'C:\\robocurse\\logs\\docs-1.log';
const OUTPUT = ['/BYTES', '/FP', '/NDL', '/TEE', `/UNILOG:${LOG}`];

function input(over: Partial<RobocopyArgsInput> = {}): RobocopyArgsInput {
  return {
    profile: 'docs', source: 'D:\\Data\\Docs', destination: '\\\\nas01\\backup\\Docs', kind: 'tree',
    mirror: false, dryRun: false, excludeFiles: [], excludeDirs: [], engineRetries: 3, engineWaitSeconds: 10,
    logPath: LOG, ...over,
  };
}

function rejected(over: Partial<RobocopyArgsInput>): RobocopyArgumentError {
  try { buildRobocopyArgs(input(over)); } catch (err) {
    expect(err).to.be.instanceOf(RobocopyArgumentError);
    return err as RobocopyArgumentError;
  }
  throw new Error(`accepted: ${JSON.stringify(over)}`);
}

describe('buildRobocopyArgs golden argv', () => {
  const cases: [string, Partial<RobocopyArgsInput>, string[]][] = [
    ['plain tree copy', {}, ['D:\\Data\\Docs', '\\\\nas01\\backup\\Docs', '/E', '/XJD', '/XJF', '/R:3', '/W:10', '/MT:8', ...OUTPUT]],
    ['mirrored tree', { mirror: true }, ['D:\\Data\\Docs', '\\\\nas01\\backup\\Docs', '/MIR', '/XJD', '/XJF', '/R:3', '/W:10', '/MT:8', ...OUTPUT]],
    ['files-only chunk', { kind: 'files-only' }, ['D:\\Data\\Docs', '\\\\nas01\\backup\\Docs', '/LEV:1', '/XJD', '/XJF', '/R:3', '/W:10', '/MT:8', ...OUTPUT]],
    ['selection filters: sizes, ages, attributes, includes before excludes', {
      maxSize: 5_000_000, minSize: 1000, maxAge: '30', minAge: '20240131', excludeAttributes: 'hs', includeFiles: ['*.pdf', '*.docx'], excludeFiles: ['~*'],
    }, ['D:\\Data\\Docs', '\\\\nas01\\backup\\Docs', '/E', '/XJD', '/XJF', '/R:3', '/W:10', '/MT:8', ...OUTPUT,
      '/MAX:5000000', '/MIN:1000', '/MAXAGE:30', '/MINAGE:20240131', '/XA:HS', '/IF', '*.pdf', '*.docx', '/XF', '~*']],
    ['mirrored files-only chunk: /PURGE limited to one level, never /E',
      { kind: 'files-only', mirror: true }, ['D:\\Data\\Docs', '\\\\nas01\\backup\\Docs', '/LEV:1', '/PURGE', '/XJD', '/XJF', '/R:3', '/W:10', '/MT:8', ...OUTPUT]],
    ['dry run', { dryRun: true }, ['D:\\Data\\Docs', '\\\\nas01\\backup\\Docs', '/E', '/XJD', '/XJF', '/R:3', '/W:10', '/MT:8', '/L', ...OUTPUT]],
    ['retries and wait of 0 are respected', { engineRetries: 0, engineWaitSeconds: 0 },
      ['D:\\Data\\Docs', '\\\\nas01\\backup\\Docs', '/E', '/XJD', '/XJF', '/R:0', '/W:0', '/MT:8', ...OUTPUT]],
    ['bandwidth 1 MiB/s → /IPG:63', { bandwidthBytesPerSec: 1 << 20 },
      ['D:\\Data\\Docs', '\\\\nas01\\backup\\Docs', '/E', '/XJD', '/XJF', '/R:3', '/W:10', '/IPG:63', ...OUTPUT]],
    ['bandwidth above /IPG resolution → /IPG:1 (~65 MB/s, under the share; none would be unlimited)', { bandwidthBytesPerSec: 100_000_000 },
      ['D:\\Data\\Docs', '\\\\nas01\\backup\\Docs', '/E', '/XJD', '/XJF', '/R:3', '/W:10', '/IPG:1', ...OUTPUT]],
    ['threads without a budget → /MT:n', { threads: 32 },
      ['D:\\Data\\Docs', '\\\\nas01\\backup\\Docs', '/E', '/XJD', '/XJF', '/R:3', '/W:10', '/MT:32', ...OUTPUT]],
    ['one thread → /MT:1', { threads: 1, mirror: true },
      ['D:\\Data\\Docs', '\\\\nas01\\backup\\Docs', '/MIR', '/XJD', '/XJF', '/R:3', '/W:10', '/MT:1', ...OUTPUT]],
    ['budget with /IORATE: /MT kept, each of the 8 threads gets an eighth of the share', { bandwidthBytesPerSec: 1_000_000, hasIoRate: true },
      ['D:\\Data\\Docs', '\\\\nas01\\backup\\Docs', '/E', '/XJD', '/XJF', '/R:3', '/W:10', '/MT:8', '/IORATE:125000', ...OUTPUT]],
    ['budget with /IORATE and 128 threads', { bandwidthBytesPerSec: 10_000_000, hasIoRate: true, threads: 128 },
      ['D:\\Data\\Docs', '\\\\nas01\\backup\\Docs', '/E', '/XJD', '/XJF', '/R:3', '/W:10', '/MT:128', '/IORATE:78125', ...OUTPUT]],
    ['a tiny share with /IORATE: fewer threads, each at least 512 B/s', { bandwidthBytesPerSec: 2000, hasIoRate: true },
      ['D:\\Data\\Docs', '\\\\nas01\\backup\\Docs', '/E', '/XJD', '/XJF', '/R:3', '/W:10', '/MT:3', '/IORATE:666', ...OUTPUT]],
    ['a share under 512 B/s with /IORATE: one thread at the minimum', { bandwidthBytesPerSec: 300, hasIoRate: true },
      ['D:\\Data\\Docs', '\\\\nas01\\backup\\Docs', '/E', '/XJD', '/XJF', '/R:3', '/W:10', '/MT:1', '/IORATE:512', ...OUTPUT]],
    ['budget without /IORATE and 16 threads: /MT dropped for /IPG (incompatible)', { bandwidthBytesPerSec: 1 << 20, threads: 16 },
      ['D:\\Data\\Docs', '\\\\nas01\\backup\\Docs', '/E', '/XJD', '/XJF', '/R:3', '/W:10', '/IPG:63', ...OUTPUT]],
    ['dry run with /IORATE and files-only mirror', { bandwidthBytesPerSec: 4_000_000, hasIoRate: true, threads: 4, dryRun: true, kind: 'files-only', mirror: true },
      ['D:\\Data\\Docs', '\\\\nas01\\backup\\Docs', '/LEV:1', '/PURGE', '/XJD', '/XJF', '/R:3', '/W:10', '/MT:4', '/IORATE:1000000', '/L', ...OUTPUT]],
    ['excluded files and dirs, last', { excludeFiles: ['*.tmp', '~$*', 'Thumbs.db'], excludeDirs: ['node_modules', '.git\\'] },
      ['D:\\Data\\Docs', '\\\\nas01\\backup\\Docs', '/E', '/XJD', '/XJF', '/R:3', '/W:10', '/MT:8', ...OUTPUT,
        '/XF', '*.tmp', '~$*', 'Thumbs.db', '/XD', 'node_modules', '.git']],
    ['relative exclude-dir path made absolute under the source root',
      { source: 'D:\\Data\\Docs\\Team', sourceRoot: 'D:\\Data\\Docs', excludeDirs: ['cache\\old', 'D:\\Data\\Docs\\tmp\\'] },
      ['D:\\Data\\Docs\\Team', '\\\\nas01\\backup\\Docs', '/E', '/XJD', '/XJF', '/R:3', '/W:10', '/MT:8', ...OUTPUT,
        '/XD', 'D:\\Data\\Docs\\cache\\old', 'D:\\Data\\Docs\\tmp']],
    ['UNC source with trailing backslash', { source: '\\\\fs01\\projects\\Apollo\\' },
      ['\\\\fs01\\projects\\Apollo', '\\\\nas01\\backup\\Docs', '/E', '/XJD', '/XJF', '/R:3', '/W:10', '/MT:8', ...OUTPUT]],
    ['UNC share root', { source: '\\\\fs01\\projects\\', destination: '\\\\nas01\\backup' },
      ['\\\\fs01\\projects', '\\\\nas01\\backup', '/E', '/XJD', '/XJF', '/R:3', '/W:10', '/MT:8', ...OUTPUT]],
    ['drive roots keep a separator that cannot escape a quote', { source: 'D:\\', destination: 'E:/' },
      ['D:\\.', 'E:\\.', '/E', '/XJD', '/XJF', '/R:3', '/W:10', '/MT:8', ...OUTPUT]],
    ['spaces and trailing backslashes', { source: 'D:\\My Documents\\Q1 Reports\\', destination: 'E:\\Backup Set\\Q1 Reports\\\\' },
      ['D:\\My Documents\\Q1 Reports', 'E:\\Backup Set\\Q1 Reports', '/E', '/XJD', '/XJF', '/R:3', '/W:10', '/MT:8', ...OUTPUT]],
    ['forward slashes kept', { source: 'D:/Data/Docs/', destination: 'E:/Docs' },
      ['D:/Data/Docs', 'E:/Docs', '/E', '/XJD', '/XJF', '/R:3', '/W:10', '/MT:8', ...OUTPUT]],
    ['allowed user switches follow the managed ones', { userSwitches: ['/COPY:DAT', '/DCOPY:DAT', '/Z', '/MAXAGE:30', '/xo'] },
      ['D:\\Data\\Docs', '\\\\nas01\\backup\\Docs', '/E', '/XJD', '/XJF', '/R:3', '/W:10', '/MT:8', ...OUTPUT, '/COPY:DAT', '/DCOPY:DAT', '/Z', '/MAXAGE:30', '/xo']],
    ['POSIX paths (fake robocopy)', { source: '/srv/data/', destination: '/mnt/backup', logPath: '/var/log/r.log' },
      ['/srv/data', '/mnt/backup', '/E', '/XJD', '/XJF', '/R:3', '/W:10', '/MT:8', '/BYTES', '/FP', '/NDL', '/TEE', '/UNILOG:/var/log/r.log']],
    ['everything at once', {
      kind: 'files-only', mirror: true, dryRun: true, bandwidthBytesPerSec: 256 * 1024, engineRetries: 1, engineWaitSeconds: 5,
      excludeFiles: ['*.bak'], excludeDirs: ['$RECYCLE.BIN'], userSwitches: ['/B'],
    }, ['D:\\Data\\Docs', '\\\\nas01\\backup\\Docs', '/LEV:1', '/PURGE', '/XJD', '/XJF', '/R:1', '/W:5', '/IPG:250', '/L', ...OUTPUT, '/B',
      '/XF', '*.bak', '/XD', '$RECYCLE.BIN']],
  ];
  for (const [name, over, expected] of cases) {
    it(name, () => expect(buildRobocopyArgs(input(over))).to.deep.equal(expected));
  }

  it('is pure: the same input gives the same argv and is not modified', () => {
    const i = input({ excludeFiles: ['a'], userSwitches: ['/Z'] });
    const copy = JSON.parse(JSON.stringify(i));
    expect(buildRobocopyArgs(i)).to.deep.equal(buildRobocopyArgs(i));
    expect(i).to.deep.equal(copy);
  });
});

describe('buildRobocopyArgs refuses injections', () => {
  const BAD = ['"', '|', '\n', '\r', '<', '>', '\u0000', '\u0001', '\t', '\u001b', '\u007f', '\u0085', '\u2028'];
  for (const ch of BAD) {
    const shown = JSON.stringify(ch);
    it(`${shown} in the source, destination, excludes, switches and log path`, () => {
      const cases: [Partial<RobocopyArgsInput>, string][] = [
        [{ source: `D:\\Data${ch}x` }, 'profiles.docs.source (chunk source)'],
        [{ destination: `E:\\Backup${ch}calc.exe` }, 'profiles.docs.destination (chunk destination)'],
        [{ excludeFiles: ['ok.txt', `*.tmp${ch}`] }, 'profiles.docs.excludeFiles[1]'],
        [{ excludeDirs: [`cache${ch}`] }, 'profiles.docs.excludeDirs[0]'],
        [{ userSwitches: [`/COPY:DAT${ch}`] }, 'profiles.docs.engineOptions.robocopy.switches[0]'],
        [{ logPath: `C:\\logs\\a${ch}.log` }, 'logPath'],
      ];
      for (const [over, key] of cases) {
        const err = rejected(over);
        expect(err.code, key).to.equal('ROBOCOPY_UNSAFE_ARGUMENT');
        expect(err.configKey).to.equal(key);
        expect(Object.values(over).flat()).to.include(err.value);
        expect(err.message).to.include(key);
      }
    });
  }

  it('passes & % ^ through unchanged: robocopy is started without cmd.exe, where they are ordinary characters', () => {
    const args = buildRobocopyArgs(input({ source: 'D:\\Data\\R&D', destination: 'E:\\100%\\a^b', excludeFiles: ['x&y%z^'], excludeDirs: ['R&D old'], logPath: 'C:\\logs\\R&D.log' }));
    expect(args.slice(0, 2)).to.deep.equal(['D:\\Data\\R&D', 'E:\\100%\\a^b']);
    expect(args).to.include('x&y%z^').and.include('R&D old').and.include('/UNILOG:C:\\logs\\R&D.log');
  });

  for (const [field, value] of [['excludeFiles', '/MOVE'], ['excludeFiles', '-MOVE'], ['excludeDirs', '/PURGE'], ['excludeFiles', ' /MOV'], ['excludeDirs', '/srv/data/cache']] as const) {
    it(`refuses ${field} ${JSON.stringify(value)}, which robocopy would read as a switch`, () => {
      const err = rejected({ [field]: ['ok', value] });
      expect(err.code).to.equal('ROBOCOPY_SWITCH_LIKE');
      expect(err.configKey).to.equal(`profiles.docs.${field}[1]`);
      expect(err.message).to.include('read as a switch');
    });
  }

  it('refuses relative and drive-relative paths, and wildcards in paths', () => {
    expect(rejected({ excludeAttributes: 'H /MIR' }).code).to.equal('ROBOCOPY_INVALID_VALUE');
    expect(rejected({ maxAge: '30 /PURGE' }).code).to.equal('ROBOCOPY_INVALID_VALUE');
    expect(rejected({ source: 'Data\\Docs' }).code).to.equal('ROBOCOPY_RELATIVE_PATH');
    expect(rejected({ source: 'C:Docs' }).code).to.equal('ROBOCOPY_RELATIVE_PATH');
    expect(rejected({ destination: '\\Docs' }).code).to.equal('ROBOCOPY_RELATIVE_PATH');
    expect(rejected({ source: 'D:\\Data\\*' }).code).to.equal('ROBOCOPY_UNSAFE_ARGUMENT');
  });

  it('refuses negative or fractional retry settings', () => {
    expect(rejected({ engineRetries: -1 }).configKey).to.equal('profiles.docs.retry.engineRetries');
    expect(rejected({ engineWaitSeconds: 1.5 }).code).to.equal('ROBOCOPY_INVALID_VALUE');
  });
});

describe('robocopy switch allow-list', () => {
  const KEY = 'profiles.docs.engineOptions.robocopy.switches';
  const MANAGED = ['/MT', '/MT:16', '/mt:8', '-MT:8', '/LOG:C:\\x.log', '/LOG+:C:\\x.log', '/UNILOG:C:\\x.log', '/UNILOG+:C:\\x.log',
    '/TEE', '/NP', '/IPG:10', '/L', '/R:5', '/W:1', '/MIR', '/PURGE', '/E', '/S', '/LEV:2', '/XF', '/XD', '/NJS', '/NJH', '/BYTES', '/V',
    // Links copied as links would be followed by the next run's robocopy (docs/safety.md).
    '/SL', '/sj'];
  for (const sw of MANAGED) {
    it(`refuses managed ${sw}, naming the switch and the config key`, () => {
      try { checkUserSwitches(['/Z', sw], KEY); } catch (err) {
        const e = err as RobocopyArgumentError;
        expect(e).to.be.instanceOf(RobocopyArgumentError);
        expect(e.code).to.equal('ROBOCOPY_MANAGED_SWITCH');
        expect(e.value).to.equal(sw);
        expect(e.configKey).to.equal(`${KEY}[1]`);
        expect(e.message).to.include(`${KEY}[1]`).and.to.include('managed by robocurse').and.to.include(sw);
        return;
      }
      throw new Error(`${sw} accepted`);
    });
  }

  it('refuses switches that are not on the list', () => {
    for (const sw of ['/MOVE', '/MOV', '/JOB:nightly', '/CREATE', '/FOO', 'COPY:DAT', '/COPY:DATQ', '/MAX:abc', '/RH:0800-1700', 42]) {
      expect(() => checkUserSwitches([sw], KEY), String(sw)).to.throw(RobocopyArgumentError).with.property('code', 'ROBOCOPY_SWITCH_NOT_ALLOWED');
    }
  });

  it('accepts the copy-behaviour switches', () => {
    const ok = ['/Z', '/B', '/ZB', '/J', '/COPY:DATSOU', '/DCOPY:DAT', '/SEC', '/COPYALL', '/A-:R', '/XA:SH', '/MIN:1', '/MAXAGE:20240101', '/FFT', '/DST', '/XO', '/SPARSE:Y'];
    expect(checkUserSwitches(ok, KEY)).to.deep.equal(ok);
  });

  it('says why /SL and /SJ are refused: robocopy would follow such a link in the destination next time', () => {
    expect(() => checkUserSwitches(['/SL'], KEY)).to.throw(/never creates links in the destination/);
    expect(() => checkUserSwitches(['/SJ'], KEY)).to.throw(/never creates junctions in the destination/);
  });

  it('reports every problem at once for config validation', () => {
    expect(robocopySwitchProblems(['/Z', '/MT:8', '/FOO'], KEY).map((p) => p.path)).to.deep.equal([`${KEY}[1]`, `${KEY}[2]`]);
  });
});

describe('robocopy threads (/MT:n)', () => {
  for (const bad of [0, 129, 1.5, -8, Number.NaN]) {
    it(`refuses ${bad} threads, naming the key`, () => {
      const err = rejected({ threads: bad });
      expect(err.message).to.contain('profiles.docs.engineOptions.robocopy.threads').and.to.contain('1 to 128');
    });
  }
  it('never combines /MT with /IPG, whatever the share and threads', () => {
    for (const threads of [1, 2, 8, 128]) {
      for (const share of [1, 1000, 1 << 20, 1e9]) {
        const args = buildRobocopyArgs(input({ threads, bandwidthBytesPerSec: share }));
        expect(args.some((a) => a.startsWith('/MT')) && args.some((a) => a.startsWith('/IPG')), args.join(' ')).to.equal(false);
      }
    }
  });
});

describe('ipgForBandwidth', () => {
  it('is ceil(65536 × 1000 / bytesPerSec) ms, at least 1; 0 only for unlimited', () => {
    expect(ipgForBandwidth(undefined)).to.equal(0);
    expect(ipgForBandwidth(0)).to.equal(0);
    expect(ipgForBandwidth(-5)).to.equal(0);
    expect(ipgForBandwidth(65_536_000)).to.equal(1);
    expect(ipgForBandwidth(65_536_001)).to.equal(1); // never 0 under a share: that would be unlimited
    expect(ipgForBandwidth(1e12)).to.equal(1);
    expect(ipgForBandwidth(32_768_000)).to.equal(2);
    expect(ipgForBandwidth(256 * 1024)).to.equal(250);
    expect(ipgForBandwidth(1000)).to.equal(65_536);
  });
});

describe('robocopy /COPY and /DCOPY from preserve', () => {
  const all = { owners: true, symlinks: true, hardLinks: true, specials: true, sparse: true, xattrs: true, acls: true, modes: true, atimes: false, directoryTimes: true };
  it('keeps data and times always, attributes for modes, security for ACLs, the owner for owners', () => {
    expect(preserveSwitches(all, [])).to.deep.equal(['/COPY:DATSO', '/DCOPY:DAT']);
    expect(preserveSwitches({ ...all, owners: false, acls: false, modes: false, directoryTimes: false }, [])).to.deep.equal(['/COPY:DT', '/DCOPY:D']);
  });
  it('a /COPY or /DCOPY of the profile\'s own replaces robocurse\'s', () => {
    expect(preserveSwitches(all, ['/COPYALL'])).to.deep.equal(['/DCOPY:DAT']);
    expect(preserveSwitches(all, ['/copy:DAT', '/NODCOPY'])).to.deep.equal([]);
  });
});

describe('robocopy file-only attempts (the files an attempt failed, named after the paths)', () => {
  it('names the files after source and destination, one level, never a deletion or an /IF that would add files', () => {
    expect(buildRobocopyArgs(input({ onlyFiles: ['Q3 report.xlsx', 'R&D.txt'], mirror: true, includeFiles: ['*.xlsx'] }))).to.deep.equal(
      ['D:\\Data\\Docs', '\\\\nas01\\backup\\Docs', 'Q3 report.xlsx', 'R&D.txt', '/LEV:1', '/XJD', '/XJF', '/R:3', '/W:10', '/MT:8', ...OUTPUT]);
    expect(buildRobocopyArgs(input({ onlyFiles: ['a.txt'], kind: 'files-only', mirror: true }))).to.not.include('/PURGE');
  });

  it('takes only names it can pass safely, of files directly in the chunk directory', () => {
    expect(robocopyFileListProblem(['a.txt', '-dash.txt'])).to.match(/can retry only files directly in the chunk's directory.*switch/);
    for (const bad of [['sub/a.txt'], ['a*.txt'], ['a?.txt'], ['/MOVE'], ['a"b'], ['a\u0007b'], ['..'], []]) {
      expect(robocopyFileListProblem(bad), JSON.stringify(bad)).to.be.a('string');
    }
    expect(robocopyFileListProblem(['Q3 report.xlsx', 'R&D %PATH%.txt', 'ünïcode.txt'])).to.equal(undefined);
    expect(rejected({ onlyFiles: ['sub\\a.txt'] }).message).to.contain('onlyFiles[0]');
  });
});
