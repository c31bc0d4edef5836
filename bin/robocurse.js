#!/usr/bin/env node
'use strict';
// Thin launcher: the compiled CLI lives in dist/ (run `npm run build` after a fresh clone), as
// one file with V8's code caches beside it (scripts/bundle-cli.js, src/cli/bundle-loader.ts), so
// that a start neither resolves ~400 modules nor compiles them again.
const path = require('path');
const dir = path.join(__dirname, '..', 'dist', 'src', 'cli');
const argv = process.argv.slice(2);
let cli;
try {
  // `--help`, `CMD --help`, `--version`: text the build wrote, without the bundle (static-help.ts).
  // Those are lines of one or two words; a longer one (every run) skips loading it (~2.5 ms).
  if (argv.length > 2 || !require(path.join(dir, 'static-help.js')).printStaticHelp(argv, dir, process.stdout)) {
    const loader = require(path.join(dir, 'bundle-loader.js'));
    const bundle = path.join(dir, 'cli-bundle.js');
    cli = loader.loadBundle(bundle, loader.cacheFileFor(bundle, loader.cacheKindFor(argv))).exports;
  }
} catch (err) {
  if (err && (err.code === 'MODULE_NOT_FOUND' || err.code === 'ENOENT') && /dist[\\/]src[\\/]cli[\\/](static-help|bundle-loader|cli-bundle)/.test(String(err.message))) {
    process.stderr.write('robocurse: not built yet: run `npm install && npm run build` in ' + path.resolve(__dirname, '..') + '\n');
    process.exit(4);
  }
  throw err;
}
// launch() owns the exit code: main()'s, or 4 when main() never settles or something crashes.
if (cli) cli.launch(cli.main, argv);
