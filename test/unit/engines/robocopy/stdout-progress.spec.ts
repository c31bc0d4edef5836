import { expect } from 'chai';
import type { CopyProgress } from '../../../../src/api';
import { RobocopyStdoutProgress } from '../../../../src/engines/robocopy';

function feed(chunks: (string | Buffer)[], codePage?: number): { updates: CopyProgress[]; tracker: RobocopyStdoutProgress } {
  const updates: CopyProgress[] = [];
  const tracker = new RobocopyStdoutProgress((p) => updates.push(p), codePage);
  for (const c of chunks) tracker.write(Buffer.isBuffer(c) ? c : Buffer.from(c, 'utf8'));
  return { updates, tracker };
}

const HEADER = '\r\n-------------------------------------------------------------------------------\r\n   ROBOCOPY     ::     Robust File Copy for Windows\r\n';

describe('RobocopyStdoutProgress', () => {
  it('counts finished files plus the finished fraction of the current one', () => {
    const { updates, tracker } = feed([
      HEADER,
      '\t    New File  \t\t    1000\tD:\\src\\a.txt\r  0%  \r100%  \r\n',
      '\t    New File  \t\t 2000000\tD:\\src\\big.bin\r  0%  \r 25%  ',
    ]);
    expect(tracker.progress()).to.deep.equal({ bytesCopied: 1000 + 500_000, filesCopied: 1, currentFile: 'D:\\src\\big.bin' });
    expect(tracker.unfinishedFile()).to.equal('D:\\src\\big.bin');
    for (let i = 1; i < updates.length; i++) expect(updates[i].bytesCopied).to.be.at.least(updates[i - 1].bytesCopied);
  });

  it('handles percentages split across chunks and CRs at chunk ends', () => {
    const { tracker } = feed(['\t    New File  \t\t  400\t/s/f', '\r', ' 5', '0%  \r', '100', '%  \r\n']);
    expect(tracker.progress()).to.include({ bytesCopied: 400, filesCopied: 1 });
    expect(tracker.unfinishedFile()).to.equal(undefined);
  });

  it('ignores extras, directory lines and files that end in an ERROR block', () => {
    const { tracker } = feed([
      '\t*EXTRA File  \t\t    9999\tE:\\dst\\old.txt\r\n',
      '\t                   3\tD:\\src\\sub\\\r\n',
      '\t    New File  \t\t    5000\tD:\\src\\locked.db\r  0%  \r\n',
      '2024/03/05 10:15:43 ERROR 32 (0x00000020) Copying File D:\\src\\locked.db\r\nThe process cannot access the file.\r\n',
      '\t    Newer     \t\t     700\tD:\\src\\ok.txt\r100%  \r\n',
    ]);
    expect(tracker.progress()).to.include({ bytesCopied: 700, filesCopied: 1 });
  });

  it('finishes a file without % lines when the next one starts (/NP, zero-byte files)', () => {
    const { tracker } = feed(['\t    New File  \t\t      0\t/s/empty\r\n\t    New File  \t\t   10\t/s/next\r\n']);
    expect(tracker.progress()).to.include({ bytesCopied: 0, filesCopied: 1, currentFile: '/s/next' });
    tracker.end();
  });

  it('decodes UTF-16 console output and reads suffixed sizes', () => {
    const text = '\t    New File  \t\t   1.5 k\tC:\\Données\\é.txt\r100%  \r\n\t    New File  \t\t      1\tC:\\x\r\n';
    const { tracker } = feed([Buffer.from(text, 'utf16le')]);
    expect(tracker.progress()).to.include({ bytesCopied: 1536, filesCopied: 1, currentFile: 'C:\\x' });
  });

  it('never decreases when robocopy retries a file from 0%', () => {
    const { updates } = feed(['\t    New File  \t\t 1000\t/s/a\r 80%  \r', '  0%  \r', ' 90%  \r']);
    expect(updates.map((u) => u.bytesCopied)).to.deep.equal([800, 900]);
  });
});
