#!/usr/bin/env node
'use strict';
// Thin launcher: the compiled CLI lives in dist/ (run `npm run build` after a fresh clone).
let main;
try {
  ({ main } = require('../dist/src/cli/main.js'));
} catch (err) {
  if (err && err.code === 'MODULE_NOT_FOUND' && /dist[\\/]src[\\/]cli[\\/]main/.test(String(err.message))) {
    process.stderr.write('robocurse: not built yet: run `npm install && npm run build` in ' + require('path').resolve(__dirname, '..') + '\n');
    process.exit(4);
  }
  throw err;
}
main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
