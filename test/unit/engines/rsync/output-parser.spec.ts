import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InlineRsyncOutputParser, PiscinaRsyncOutputParser } from '../../../../src/engines/rsync/output-parser';
import { parseRsyncOutput } from '../../../../src/engines/rsync/report';
import { WorkerPools } from '../../../../src/workers';
import { removeTemp, tempDir } from '../../../helpers/make-tree';
import { capturedRun } from './fixtures';

describe('rsync output parsers', () => {
  let dir: string;
  beforeEach(() => { dir = tempDir('robocurse-rsync-parser-'); });
  afterEach(() => removeTemp(dir));

  it('the piscina parser (a real worker thread) gives the pure parser\'s report', async () => {
    const parser = new PiscinaRsyncOutputParser();
    try {
      for (const base of ['tree-mirror', 'up-to-date', 'missing-source', 'killed']) {
        expect(await parser.parse(capturedRun(base)), base).to.deep.equal(parseRsyncOutput(capturedRun(base)));
      }
    } finally {
      await parser.close();
    }
  });

  it('the worker looks up sizes of failed source files for bytesFailed', async () => {
    const failed = path.join(dir, 'locked.bin');
    fs.writeFileSync(failed, Buffer.alloc(1234));
    const req = {
      stdout: 'Number of files: 3 (reg: 2, dir: 1)\nNumber of regular files transferred: 2\nTotal file size: 2234 bytes\nTotal transferred file size: 2234 bytes\n',
      stderr: `rsync: [sender] send_files failed to open "${failed}": Permission denied (13)\n`,
    };
    const parser = new PiscinaRsyncOutputParser();
    try {
      expect((await parser.parse(req)).stats).to.include({ filesCopied: 1, bytesCopied: 1000, filesFailed: 1, bytesFailed: 1234 });
    } finally {
      await parser.close();
    }
  });

  it('a clean job (nothing on stderr) is parsed without a thread; one with errors on the worker', async () => {
    const pools = new WorkerPools();
    const parser = new PiscinaRsyncOutputParser({ pools });
    try {
      for (const base of ['tree-mirror', 'up-to-date']) {
        expect(capturedRun(base).stderr.trim(), base).to.equal('');
        expect(await parser.parse(capturedRun(base)), base).to.deep.equal(parseRsyncOutput(capturedRun(base)));
      }
      expect(pools.startedKinds(), 'no thread booted for clean jobs').to.deep.equal([]);
      expect(await parser.parse(capturedRun('missing-source'))).to.deep.equal(parseRsyncOutput(capturedRun('missing-source')));
      expect(pools.startedKinds()).to.deep.equal(['rsync-parse']);
    } finally {
      await parser.close();
    }
  });

  it('a closed piscina parser still parses (inline), and close is idempotent', async () => {
    const parser = new PiscinaRsyncOutputParser();
    await parser.close();
    await parser.close();
    expect((await parser.parse(capturedRun('tree-mirror'))).stats.filesCopied).to.equal(7);
  });

  it('the inline parser is the pure parser', async () => {
    expect(await new InlineRsyncOutputParser().parse(capturedRun('tree-mirror'))).to.deep.equal(parseRsyncOutput(capturedRun('tree-mirror')));
  });
});
