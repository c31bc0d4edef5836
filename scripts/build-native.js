#!/usr/bin/env node
'use strict';
/*
 * Builds robocurse's file-system helper (native/fsx.c: nanosecond times, SEEK_DATA/SEEK_HOLE,
 * mknod, extended attributes) with node-gyp, at `npm install` / `npm ci` and, with
 * --if-missing, after `npm run build`. Never fails the install: robocurse works without the
 * helper, with the limits docs/engines.md lists (times to the microsecond, sparse files found by
 * zero blocks, FIFOs and devices through mkfifo/mknod, no extended attributes or ACLs in the
 * native engine), and says so in its log and in `robocurse validate`.
 *
 * Offline-safe: node-gyp is given the headers installed with node itself (--nodedir) when they
 * exist, so nothing is downloaded; npm's own node-gyp is used (no extra dependency).
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const dir = path.join(root, 'native');
const built = path.join(dir, 'build', 'Release', 'robocurse_fsx.node');
/** Everything the build makes: the addon, and robocurse-confine (native/confine.c) beside it. */
const outputs = [built, path.join(dir, 'build', 'Release', 'robocurse-confine')];

function say(msg) { process.stderr.write(`robocurse: ${msg}\n`); }

if (process.platform === 'win32') process.exit(0); // robocopy keeps Windows metadata; nothing to build
// --if-missing (after `npm run build`): also rebuilds when an output is missing or older than a source.
if (process.argv.includes('--if-missing') && outputs.every((o) => fs.existsSync(o))
  && fs.readdirSync(dir).filter((f) => f.endsWith('.c') || f.endsWith('.h') || f === 'binding.gyp')
    .every((f) => outputs.every((o) => fs.statSync(o).mtimeMs >= fs.statSync(path.join(dir, f)).mtimeMs))) process.exit(0);

function nodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ];
  try { candidates.push(require.resolve('node-gyp/bin/node-gyp.js')); } catch { /* not a dependency */ }
  return candidates.find((c) => c && fs.existsSync(c));
}

/** The prefix holding include/node/node_api.h for this very node, so node-gyp downloads nothing. */
function nodeDir() {
  if (process.env.npm_config_nodedir) return process.env.npm_config_nodedir;
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  return fs.existsSync(path.join(prefix, 'include', 'node', 'node_api.h')) ? prefix : undefined;
}

const gyp = nodeGyp();
if (!gyp) {
  say('warning: node-gyp not found; the file-system helper was not built (see docs/engines.md, "Without the helper")');
  process.exit(0);
}
const args = [gyp, 'rebuild', '--release', `--directory=${dir}`];
const nd = nodeDir();
if (nd) args.push(`--nodedir=${nd}`);
const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
if (r.status !== 0 || !fs.existsSync(built)) {
  say('warning: the file-system helper (native/fsx.c) could not be built; robocurse works without it, with the limits in docs/engines.md ("Without the helper")');
  const tail = `${r.stdout}\n${r.stderr}`.trim().split('\n').slice(-15).join('\n');
  if (tail) process.stderr.write(`${tail}\n`);
  process.exit(0);
}
