import { expect } from 'chai';
import * as path from 'node:path';
import { parseRobocopyLogFile, RobocopyLogParserPool } from '../../../../src/engines/robocopy';
import { packageRoot } from '../../../../src/paths';

const SHARED = path.join(packageRoot(), '..', 'shared', 'fixtures', 'robocopy-logs');

describe('RobocopyLogParserPool (real piscina worker)', function () {
  this.timeout(30_000);
  let pool: RobocopyLogParserPool;
  beforeEach(() => { pool = new RobocopyLogParserPool({ maxThreads: 1 }); });
  afterEach(async () => { await pool.close(); });

  it('parses logs on a worker thread with the same result as the inline parser', async () => {
    for (const name of ['CjFlash1_FujiMir_robocopy_log.log', 'ZalewskiPiotr_robocopy_log_reader_data_KopiaZapasowaLOG.log']) {
      const file = path.join(SHARED, name);
      const [inWorker, inline] = await Promise.all([pool.parse(file), parseRobocopyLogFile(file)]);
      expect(inWorker, name).to.deep.equal(inline);
      expect(inWorker.parsed).to.equal(true);
    }
  });

  it('passes options to the worker', async () => {
    const r = await pool.parse(path.join(SHARED, 'CjFlash1_FujiMir_robocopy_log.log'), { codePage: 866 });
    expect(r.encodingReason).to.equal('option');
  });

  it('never rejects: a missing log, or a closed pool, gives parsed: false', async () => {
    expect((await pool.parse('/nonexistent/robocopy.log')).parsed).to.equal(false);
    await pool.close();
    await pool.close();
    const r = await pool.parse(path.join(SHARED, 'CjFlash1_FujiMir_robocopy_log.log'));
    expect(r.parsed).to.equal(false);
    expect(r.warnings[0]).to.match(/closed/);
  });
});
