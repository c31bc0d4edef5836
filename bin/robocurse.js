#!/usr/bin/env node
'use strict';
// Thin launcher: the compiled CLI lives in dist/ (run `npm run build` after a fresh clone).
let cli;
try {
  cli = { main: require('../dist/src/cli/main.js').main, launch: require('../dist/src/cli/launch.js').launch };
} catch (err) {
  if (err && err.code === 'MODULE_NOT_FOUND' && /dist[\\/]src[\\/]cli[\\/](main|launch)/.test(String(err.message))) {
    process.stderr.write('robocurse: not built yet: run `npm install && npm run build` in ' + require('path').resolve(__dirname, '..') + '\n');
    process.exit(4);
  }
  throw err;
}
// launch() owns the exit code: main()'s, or 4 when main() never settles or something crashes.
cli.launch(cli.main, process.argv.slice(2));
