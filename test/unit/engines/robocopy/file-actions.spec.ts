import { expect } from 'chai';
import type { Chunk, Deletion, FileAction } from '../../../../src/api';
import { RobocopyFileReporter } from '../../../../src/engines/robocopy/file-actions';
import { parseRobocopyLogBuffer } from '../../../../src/engines/robocopy/log/parse-log';

const chunk = { id: 'c1', profile: 'p', kind: 'tree', relPath: 'docs', sourcePath: 'C:\\src\\docs', destinationPath: 'D:\\dst\\docs', depth: 1 } as unknown as Chunk;

function reporter(mirror = true): { r: RobocopyFileReporter; actions: FileAction[]; deletions: Deletion[] } {
  const actions: FileAction[] = [];
  const deletions: Deletion[] = [];
  const r = new RobocopyFileReporter(chunk, { mirror, onFileAction: (a) => actions.push(a), onDeletion: (d) => deletions.push(d) });
  return { r, actions, deletions };
}

/** The /UNILOG log of the same job: UTF-16, names exact (here a lone surrogate and a snowman). */
async function unilog(lines: string[]): Promise<Awaited<ReturnType<typeof parseRobocopyLogBuffer>>> {
  const text = ['', '-------------------------------------------------------------------------------', '   ROBOCOPY     ::     Robust File Copy for Windows', '', ...lines].join('\r\n');
  return parseRobocopyLogBuffer(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
}

describe('robocopy per-file actions from the console, exact names from the log', () => {
  it('a name the console code page could not show (?) gets its exact name from the log, in order', async () => {
    const { r, actions, deletions } = reporter();
    r.onFile('New File', 10, 'C:\\src\\docs\\a.txt');
    r.onFile('New File', 20, 'C:\\src\\docs\\caf?.txt');
    r.onFile('*EXTRA File', 5, 'D:\\dst\\docs\\old?.txt');
    r.onFile('Newer', 30, 'C:\\src\\docs\\caf?.txt');
    // Reported at once: nothing to resolve.
    expect(actions.map((a) => a.relPath)).to.deep.equal(['a.txt']);
    const log = await unilog([
      '\tNew File  \t\t      10\tC:\\src\\docs\\a.txt',
      '\tNew File  \t\t      20\tC:\\src\\docs\\caf\u2603.txt',
      '\t*EXTRA File\t\t       5\tD:\\dst\\docs\\old\udce9.txt',
      '\tNewer     \t\t      30\tC:\\src\\docs\\caf\u00e9.txt',
    ]);
    r.finish(false, [], log.nameLines);
    expect(actions.map((a) => `${a.action}:${a.relPath}:${a.size}`)).to.deep.equal(['new:a.txt:10', 'new:caf\u2603.txt:20', 'update:caf\u00e9.txt:30']);
    expect(deletions).to.deep.equal([{ relPath: 'old\udce9.txt', isDir: false, entries: 1 }]);
  });

  it('without a matching log line the console name stays (never another file\'s name)', () => {
    const { r, actions } = reporter();
    r.onFile('New File', 1, 'C:\\src\\docs\\x?.txt');
    r.finish(false, [], [{ path: 'C:\\src\\docs\\other\u00e9.txt' }]);
    expect(actions.map((a) => a.relPath)).to.deep.equal(['x?.txt']);
  });

  it('a file followed by an ERROR line is no copy; a killed job\'s last file is none either', () => {
    const { r, actions } = reporter(false);
    r.onFile('New File', 1, 'C:\\src\\docs\\a.txt');
    r.onError();
    r.onFile('*EXTRA File', 1, 'D:\\dst\\docs\\extra.txt'); // no mirror: listed, not deleted
    r.onFile('New File', 2, 'C:\\src\\docs\\b.txt');
    r.finish(true, [{ timestamp: 't', code: 5, hex: '0x00000005', action: 'Copying File', path: 'C:\\src\\docs\\a.txt', message: 'Access is denied.', occurrences: 1 }]);
    expect(actions).to.deep.equal([{ action: 'fail', relPath: 'a.txt', error: '5: Access is denied.' }]);
  });
});
