#!/usr/bin/env node
'use strict';
/*
 * `node scripts/write-cli-help.js` writes dist/src/cli/cli-help.json: the output of
 * `robocurse --help`, of `robocurse CMD --help` for every command and of `robocurse --version`,
 * as the bundle's own main() prints them to a stdout that is not a terminal (100 columns), with
 * the bundle's build id. bin/robocurse.js prints these without loading the bundle
 * (src/cli/static-help.ts). Run by scripts/bundle-cli.js after the bundle is written;
 * test/integration/cli/static-help.it.spec.ts holds each text equal to what the parser prints.
 */
const fs = require('node:fs');
const path = require('node:path');
const { Writable } = require('node:stream');

const cliDir = path.join(__dirname, '..', 'dist', 'src', 'cli');
const bundle = path.join(cliDir, 'cli-bundle.js');
const { loadBundle, bundleId } = require(path.join(cliDir, 'bundle-loader.js'));
const { HELP_FILE } = require(path.join(cliDir, 'static-help.js'));
const { COMMANDS, commandName } = require(path.join(cliDir, 'command-table.js'));

/** A stdout or stderr that keeps what is written; not a terminal, no width (as under cron). */
function capture() {
  const chunks = [];
  const stream = new Writable({ write(chunk, _enc, cb) { chunks.push(Buffer.from(chunk)); cb(); } });
  stream.text = () => Buffer.concat(chunks).toString('utf8');
  return stream;
}

/** The command lines whose output is stored, by the key static-help.ts looks them up with. */
function commandLines() {
  const lines = { '': ['--help'], '--version': ['--version'] };
  for (const spec of COMMANDS) lines[commandName(spec)] = [commandName(spec), '--help'];
  return lines;
}

async function main() {
  const id = bundleId(fs.readFileSync(bundle, 'utf8'));
  if (!id) throw new Error(`${bundle} has no build id on its first line`);
  const { exports: cli } = loadBundle(bundle, '');
  const texts = {};
  for (const [key, argv] of Object.entries(commandLines())) {
    const io = { stdout: capture(), stderr: capture(), cwd: process.cwd(), env: process.env };
    const code = await cli.main(argv, io);
    if (code !== 0 || io.stderr.text() !== '') throw new Error(`robocurse ${argv.join(' ')} exited ${code}: ${io.stderr.text()}`);
    texts[key] = io.stdout.text();
  }
  const out = path.join(cliDir, HELP_FILE);
  const tmp = `${out}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify({ bundle: id, texts })}\n`);
  fs.renameSync(tmp, out);
}

if (require.main === module) {
  main().catch((err) => {
    process.stderr.write(`write-cli-help: ${err.message}\n`);
    process.exit(1);
  });
}
