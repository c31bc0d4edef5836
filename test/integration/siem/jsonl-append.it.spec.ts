import { expect } from 'chai';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// Each child appends LINES records of varying size through the real JsonlWriter.
const CHILD = `
const { JsonlWriter } = require(process.argv[1]);
const w = new JsonlWriter(process.argv[2]);
const who = process.argv[3];
(async () => {
  const pending = [];
  for (let i = 0; i < Number(process.argv[4]); i++) {
    pending.push(w.append('2024-05-17T10:00:00+02:00', { who, i, pad: 'x'.repeat(200 + (i * 37) % 3000) }));
  }
  await Promise.all(pending);
  await w.close();
})().catch((e) => { console.error(e); process.exit(1); });
`;

function run(args: string[]): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-e', CHILD, ...args], { stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('close', resolve);
  });
}

describe('siem JSON Lines file written by two processes at once (integration)', function () {
  this.timeout(60000);

  it('keeps every line whole and each writer\'s lines in order', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'siem-jsonl-'));
    const writer = path.resolve(__dirname, '../../../plugins/siem/jsonl-writer.js');
    const lines = 1500;
    try {
      const codes = await Promise.all([run([writer, dir, 'a', String(lines)]), run([writer, dir, 'b', String(lines)])]);
      expect(codes).to.deep.equal([0, 0]);
      const text = fs.readFileSync(path.join(dir, 'robocurse-siem-2024-05-17.jsonl'), 'utf8');
      const records = text.trimEnd().split('\n').map((l) => JSON.parse(l) as { who: string; i: number });
      expect(records).to.have.length(2 * lines);
      for (const who of ['a', 'b']) {
        expect(records.filter((r) => r.who === who).map((r) => r.i)).to.deep.equal(Array.from({ length: lines }, (_, i) => i));
      }
      // Both really wrote at the same time (otherwise this test proves nothing about interleaving).
      const firstB = records.findIndex((r) => r.who === 'b');
      const lastA = records.map((r) => r.who).lastIndexOf('a');
      expect(firstB < lastA || records.findIndex((r) => r.who === 'a') < records.map((r) => r.who).lastIndexOf('b')).to.equal(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
