/**
 * The floor of `robocurse run` on an empty tree for a CLI on this project's fixed stack (issue
 * #17): node, then what any run must do with the libraries the project is built on and nothing
 * else. yargs parses the command line, pino writes one line to a log file, tsyringe (with
 * reflect-metadata) resolves one class, better-sqlite3 opens a state database (WAL,
 * synchronous=FULL, as robocurse does) and commits one row, and the source is listed. No config
 * validation, no plan, no chunks, no summary. robocurse's start-up is compared with this and
 * with a bare `node -e 0`.
 *
 *   node dist/bench/floor/startup-floor.js DIR    (DIR: a scratch folder; its state and log are reused)
 */
import 'reflect-metadata';
import * as fs from 'node:fs';
import * as path from 'node:path';

function main(): void {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const yargs = require('yargs/yargs') as typeof import('yargs/yargs');
  const argv = yargs(process.argv.slice(2)).command('$0 <dir>', 'floor', (y) => y.positional('dir', { type: 'string', demandOption: true })).strict().parseSync();
  const dir = path.resolve(String(argv.dir));
  const { container, injectable } = require('tsyringe') as typeof import('tsyringe');
  const pino = require('pino') as typeof import('pino');
  const Database = require('better-sqlite3') as typeof import('better-sqlite3');
  /* eslint-enable @typescript-eslint/no-require-imports */
  @injectable()
  class Clock { now(): string { return new Date().toISOString(); } }
  const clock = container.resolve(Clock);
  fs.mkdirSync(path.join(dir, 'state'), { recursive: true, mode: 0o700 });
  fs.mkdirSync(path.join(dir, 'src'), { recursive: true });
  const log = pino(pino.destination({ dest: path.join(dir, 'floor.log'), sync: true }));
  const db = new Database(path.join(dir, 'state', 'floor.db'), { timeout: 15_000 });
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE IF NOT EXISTS runs (id INTEGER PRIMARY KEY, at TEXT NOT NULL)');
  db.transaction(() => db.prepare('INSERT INTO runs(at) VALUES (?)').run(clock.now())).immediate();
  const entries = fs.readdirSync(path.join(dir, 'src')).length;
  log.info({ entries }, 'floor run');
  db.close();
}

main();
