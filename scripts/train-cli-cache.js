#!/usr/bin/env node
'use strict';
/*
 * `node scripts/train-cli-cache.js KIND` writes dist/src/cli/cli-bundle.KIND.cache: V8's code
 * cache for the CLI bundle, taken after this process ran KIND's commands (KIND: help, validate
 * or run; run over an empty tree in a temporary directory), so the cache holds the functions
 * such a start compiles, not only the bundle's top level. Run by scripts/bundle-cli.js, each
 * kind in its own plain `node` process: the flags the CLI runs with (V8 rejects a cache made
 * under other flags, and the CLI then compiles from the source as before).
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const cliDir = path.join(__dirname, '..', 'dist', 'src', 'cli');
const bundle = path.join(cliDir, 'cli-bundle.js');
const { loadBundle, bundleId, cacheHeader, cacheFileFor, CACHE_KINDS } = require(path.join(cliDir, 'bundle-loader.js'));

/** The commands each kind of start runs before its cache is taken. */
function commandsOf(kind, config) {
  const help = [['--help']];
  const validate = [['validate', '--config', config]];
  const run = [['run', '--config', config, '--all', '--json'], ['run', '--config', config, '--all', '--log-level', 'warn']];
  return { help, validate, run }[kind];
}

async function main(kind) {
  if (!CACHE_KINDS.includes(kind)) throw new Error(`usage: train-cli-cache.js ${CACHE_KINDS.join('|')}`);
  const id = bundleId(fs.readFileSync(bundle, 'utf8'));
  if (!id) throw new Error(`${bundle} has no build id on its first line`);
  // Compiled from the source: a script compiled from a cache would hand all of that back.
  const { exports: cli, script } = loadBundle(bundle, '');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'robocurse-train-'));
  // A build must leave nothing of these runs behind: not the user's remembered state folder
  // ($XDG_STATE_HOME/robocurse/last-state.json would name this temporary folder), not their output.
  process.env.XDG_STATE_HOME = path.join(dir, 'xdg');
  const quiet = (stream) => { const write = stream.write; stream.write = (_chunk, enc, cb) => { if (typeof enc === 'function') enc(); else if (typeof cb === 'function') cb(); return true; }; return () => { stream.write = write; }; };
  const restore = [quiet(process.stdout), quiet(process.stderr)];
  try {
    fs.mkdirSync(path.join(dir, 'src'));
    const config = path.join(dir, 'robocurse.json');
    fs.writeFileSync(config, JSON.stringify({
      version: 1,
      global: { logDir: path.join(dir, 'logs'), stateDir: path.join(dir, 'state') },
      profiles: { train: { source: path.join(dir, 'src'), destination: path.join(dir, 'dst') } },
    }));
    for (const argv of commandsOf(kind, config)) {
      const code = await cli.main(argv);
      if (code !== 0) throw new Error(`robocurse ${argv.join(' ')} exited ${code}`);
    }
  } finally {
    for (const r of restore) r();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const cache = cacheFileFor(bundle, kind);
  const tmp = `${cache}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, Buffer.concat([cacheHeader(id), script.createCachedData()]));
  fs.renameSync(tmp, cache);
}

main(process.argv[2]).then(() => process.exit(0), (err) => {
  process.stderr.write(`train-cli-cache: ${err.stack ?? err}\n`);
  process.exit(1);
});
