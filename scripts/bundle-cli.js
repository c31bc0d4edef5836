#!/usr/bin/env node
'use strict';
/*
 * Writes dist/src/cli/cli-bundle.js: the compiled CLI (dist/src/cli/main.js and launch.js, and
 * every robocurse module they reach, lazy requires included) as one file, which bin/robocurse.js
 * loads. One file instead of ~260 saves the CJS loader's resolving, reading and wrapping per
 * module at every start (issue #17). Run by `npm run build` after tsc and the config validator.
 *
 * The bundle's first line names its build (a digest of the rest); then `--help`, `validate` and
 * a run over an empty tree (scripts/train-cli-cache.js, each in a child process) write V8's code
 * caches for it, cli-bundle.{help,validate,run}.cache, which bin/robocurse.js hands to the
 * compiler (src/cli/bundle-loader.ts).
 *
 * The pure-JavaScript packages every start loads (INLINED) are bundled too, and pino-pretty with
 * its packages (loaded by the first human log line on stderr, which most runs print). What stays outside,
 * loaded by path as before:
 * - the other npm packages: some start worker files of their own (piscina, thread-stream), load
 *   native addons (better-sqlite3) or are rarely used (fastify, bullmq, nodemailer...);
 * - worker-thread entry files (scan, copy, log parsers, verify): piscina starts them by file
 *   name in dist/, each thread with its own module graph, as before;
 * - plugins (plugins/*, third-party): the loader `require`s them by path; they import
 *   src/plugin.js from dist, whose errors and contracts are matched by traits, not identity;
 * - the native fs helper and better-sqlite3's addon (required by absolute path).
 *
 * Each bundled module keeps its own `__dirname` and `__filename` (rewritten to the path of its
 * dist/ file, relative to the bundle), so paths computed from them (worker files, the package
 * root, built-in plugins) are what they were.
 */
const { spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const { isBuiltin } = require('node:module');
const path = require('node:path');
const esbuild = require('esbuild');

const root = path.join(__dirname, '..');
const cliDir = path.join(root, 'dist', 'src', 'cli');
const out = path.join(cliDir, 'cli-bundle.js');
const tmp = `${out}.${process.pid}.tmp`;

/**
 * npm packages inlined: CommonJS, pure JavaScript, no UMD-style require and no require of a
 * computed path on the paths robocurse uses (checked when this list was made; yargs-parser's
 * config-file require is for yargs' .config(), which robocurse does not use). Their
 * __dirname/__filename are those of their installed files (filenameExpression): yargs reads its
 * locales there, pino's transports (never used by robocurse) their worker file. They resolve as
 * Node resolves them (`main`, no `module` condition), except jsonc-parser, whose `main` is a UMD
 * build that requires its parts through a parameter: its ESM build (the same code, `module` in
 * its package.json) is taken instead. An external require must name robocurse's own dependency
 * or a Node built-in (a build error otherwise): a package only another package depends on may be
 * installed where the bundle cannot see it.
 */
const INLINED = new Set([
  'tsyringe', 'tslib', 'reflect-metadata', 'jsonc-parser',
  'pino', 'pino-std-serializers', '@pinojs/redact', 'quick-format-unescaped', 'sonic-boom', 'atomic-sleep',
  'on-exit-leak-free', 'safe-stable-stringify', 'process-warning',
  'yargs', 'y18n', 'yargs-parser', 'cliui', 'string-width', 'strip-ansi', 'ansi-regex', 'is-fullwidth-code-point',
  'emoji-regex', 'wrap-ansi', 'ansi-styles', 'escalade', 'get-caller-file', 'require-directory', 'color-convert',
  'color-name', 'thread-stream', 'real-require',
  'pino-pretty', 'colorette', 'dateformat', 'fast-copy', 'fast-safe-stringify', 'help-me', 'joycon', 'minimist',
  'pino-abstract-transport', 'pump', 'secure-json-parse', 'strip-json-comments', 'split2', 'end-of-stream', 'once', 'wrappy',
]);
const ESM_ENTRY = { 'jsonc-parser': path.join(root, 'node_modules', 'jsonc-parser', 'lib', 'esm', 'main.js') };

/** Every other bare import (npm package or node: built-in) stays a runtime require. */
const externalPackages = {
  name: 'external-packages',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      // filenameExpression's require.resolve(...) runs where the bundle runs.
      if (args.kind === 'require-resolve') return { path: args.path, external: true };
      const name = args.path.startsWith('@') ? args.path.split('/').slice(0, 2).join('/') : args.path.split('/')[0];
      if (!INLINED.has(name)) {
        if (!DEPENDENCIES.has(name) && !isBuiltin(name)) throw new Error(`${args.importer} requires ${args.path}, not a dependency of robocurse: add it to INLINED`);
        return { path: args.path, external: true };
      }
      return ESM_ENTRY[args.path] ? { path: ESM_ENTRY[args.path] } : undefined;
    });
  },
};

const DEPENDENCIES = new Set(Object.keys(require('../package.json').dependencies));
const NODE_MODULES = path.join(root, 'node_modules') + path.sep;

/** The package.json of an installed package (here, at build time). */
function manifest(name) {
  return JSON.parse(fs.readFileSync(path.join(NODE_MODULES, name, 'package.json'), 'utf8'));
}

/**
 * How robocurse reaches package `name`: [a dependency of robocurse, its dependency, ..., name],
 * following the dependencies in the package.json files installed here.
 */
function dependencyChain(name) {
  const queue = [...DEPENDENCIES].map((d) => [d]);
  const seen = new Set(DEPENDENCIES);
  while (queue.length > 0) {
    const chain = queue.shift();
    const last = chain[chain.length - 1];
    if (last === name) return chain;
    let deps = {};
    try { deps = { ...manifest(last).dependencies, ...manifest(last).optionalDependencies }; } catch { /* not installed here */ }
    for (const d of Object.keys(deps)) if (!seen.has(d)) { seen.add(d); queue.push([...chain, d]); }
  }
  throw new Error(`${name} is not a dependency of robocurse, direct or indirect`);
}

/**
 * An expression for the folder of installed package `name` where the bundle runs: each package
 * of its dependencyChain resolved from the one before it (`require.resolve(main, {paths})`), as
 * Node would find it from that package's own code, in whatever layout npm (or another package
 * manager) installed them.
 */
function packageDirExpression(name) {
  let dir = null;
  let buildDir = root;
  for (const pkg of dependencyChain(name)) {
    const main = require.resolve(pkg, { paths: [buildDir] });
    const pkgDir = path.join(NODE_MODULES, pkg);
    if (!main.startsWith(pkgDir + path.sep)) throw new Error(`${pkg} resolves to ${main}, outside ${pkgDir}: install it at the top of node_modules`);
    const up = JSON.stringify(path.relative(path.dirname(main), pkgDir).split(path.sep).join('/') || '.');
    const from = dir === null ? '' : `, { paths: [${dir}] }`;
    dir = `require("node:path").join(require("node:path").dirname(require.resolve(${JSON.stringify(pkg)}${from})), ${up})`;
    buildDir = pkgDir;
  }
  return dir;
}

/**
 * The `__filename` of a bundled module, as an expression evaluated where the bundle runs. A
 * file of dist/ keeps its place relative to the bundle; a file of an inlined package is found
 * through its installed package (packageDirExpression), so yargs reads its own locales and
 * pino's transports would find their worker files.
 */
function filenameExpression(file) {
  const posix = (p) => JSON.stringify(p.split(path.sep).join('/'));
  if (!file.startsWith(NODE_MODULES)) return `require("node:path").join(__robocurseBundleDir, ${posix(path.relative(cliDir, file))})`;
  const inside = file.slice(NODE_MODULES.length).split(path.sep);
  const name = inside[0].startsWith('@') ? `${inside[0]}/${inside[1]}` : inside[0];
  const rest = inside.slice(name.split('/').length);
  if (rest.includes('node_modules')) throw new Error(`${file} is a nested copy: inline only packages installed at the top of node_modules`);
  return `require("node:path").join(${packageDirExpression(name)}, ${posix(rest.join(path.sep))})`;
}

/**
 * tsc's `__importStar`, as it writes it into every module that has an `import * as x` (TypeScript
 * 5, esModuleInterop). Each copy builds a new namespace object at each import: `import * as fs
 * from 'node:fs'` in ~90 modules made ~90 copies of fs's ~100 properties, each a getter function
 * that keepNames then renamed: ~8,000 `__name` calls and ~2.4 MB of garbage per start (issue #17).
 */
const TSC_IMPORT_STAR = `var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();`;

/**
 * The bundle's one `__importStar` (in its banner, so defined before any module runs): tsc's,
 * with the namespace of a module made once and handed to every importer. A namespace is a
 * read-only view (getters onto the module); nothing in robocurse assigns to one.
 */
const SHARED_IMPORT_STAR = `var __robocurseImportStar = (function () {
  var made = new WeakMap();
  function bind(o, m, k) {
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) desc = { enumerable: true, get: function () { return m[k]; } };
    Object.defineProperty(o, k, desc);
  }
  return function (mod) {
    if (mod && mod.__esModule) return mod;
    var keyed = mod !== null && (typeof mod === "object" || typeof mod === "function");
    var result = keyed ? made.get(mod) : undefined;
    if (result) return result;
    result = {};
    if (mod != null) for (var k = Object.getOwnPropertyNames(mod), i = 0; i < k.length; i++) if (k[i] !== "default") bind(result, mod, k[i]);
    Object.defineProperty(result, "default", { enumerable: true, value: mod });
    if (keyed) made.set(mod, result);
    return result;
  };
})();`;

/** `text` (a module of dist/) using the shared __importStar; as many lines, so its source map still holds. */
function shareImportStar(text, file = 'a module') {
  const at = text.indexOf(TSC_IMPORT_STAR);
  if (at < 0) {
    // A TypeScript that writes the helper otherwise: say so rather than lose this silently.
    if (text.includes('this.__importStar')) throw new Error(`${file} has an __importStar helper unlike TSC_IMPORT_STAR (a new TypeScript?): update TSC_IMPORT_STAR`);
    return text;
  }
  const lines = TSC_IMPORT_STAR.split('\n').length - 1;
  return `${text.slice(0, at)}var __importStar = __robocurseImportStar;${'\n'.repeat(lines)}${text.slice(at + TSC_IMPORT_STAR.length)}`;
}

/**
 * Gives each bundled module its own __dirname and __filename, as Node's module wrapper did, and
 * robocurse's own modules the shared __importStar (shareImportStar).
 */
const ownDirname = {
  name: 'own-dirname',
  setup(build) {
    build.onLoad({ filter: /\.c?js$/ }, (args) => {
      const read = fs.readFileSync(args.path, 'utf8');
      const text = args.path.startsWith(NODE_MODULES) ? read : shareImportStar(read, args.path);
      if (!/\b__(dirname|filename)\b/.test(text)) return { contents: text, loader: 'js' };
      const prologue = `var __filename = ${filenameExpression(args.path)}, __dirname = require("node:path").dirname(__filename);`;
      // After the module's "use strict" (a directive only as the first statement), on the same
      // line, so the module keeps its mode and its line numbers.
      const directive = /^(?:\s|\/\/[^\n]*\n|\/\*[\s\S]*?\*\/)*(['"])use strict\1;?/.exec(text);
      const at = directive ? directive[0].length : 0;
      const end = directive && !directive[0].endsWith(';') ? ';' : '';
      return { contents: `${text.slice(0, at)}${end}${prologue}${text.slice(at)}`, loader: 'js' };
    });
  },
};

const entry = `module.exports = { main: require('./main.js').main, launch: require('./launch.js').launch };`;

/** The bundle's source map, as the last bundleText() made it (for developers reading a trace). */
let mapText = '';

/** The bundle's text as it is written, id line included: the same dist/ gives the same text. */
async function bundleText() {
  const result = await esbuild.build({
    stdin: { contents: entry, resolveDir: cliDir, sourcefile: 'cli-entry.js', loader: 'js' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    mainFields: ['main'],
    conditions: [],
    write: false,
    outfile: out,
    // No "use strict" here: each module keeps its own mode (tsc's output and most packages have
    // the directive, inside their wrapper), as under Node's loader.
    banner: { js: `// Generated by scripts/bundle-cli.js from dist/: do not edit.\nconst __robocurseBundleDir = __dirname;\n${SHARED_IMPORT_STAR}` },
    plugins: [externalPackages, ownDirname],
    logLevel: 'warning',
    // Class and function names appear in logs, errors and `new.target.name` (RobocurseError).
    keepNames: true,
    // Without comments, indentation and long local names the bundle is 1.2 MB instead of 2.2 MB:
    // each start reads it, copies it into a string and faults in its pages, ~5 ms a megabyte on
    // this kind of VM (docs/benchmarks.md, "Start-up, step 3" and "Session 13"). Function and
    // class names stay (keepNames); a trace's bundle position maps back to the TypeScript through
    // cli-bundle.js.map.
    minifyWhitespace: true,
    minifyIdentifiers: true,
    minifySyntax: true,
    sourcemap: 'external',
  });
  const body = result.outputFiles.find((f) => f.path.endsWith('.js')).text;
  // V8 keeps a source with any character above U+007F as a two-byte string: the whole 1.7 MB
  // bundle decoded the slow way and held twice as large, ~10 ms of every start on this kind of
  // machine (docs/benchmarks.md, "Session 10"). esbuild escapes such characters in strings but
  // not in every regular expression: write them as \u escapes in the source.
  const wide = /[^\x00-\x7f]/.exec(body);
  if (wide) throw new Error(`bundle-cli: a non-ASCII character in the bundle (${JSON.stringify(body.slice(Math.max(0, wide.index - 60), wide.index + 20))}): write it as a \\u escape in the source`);
  // The id line goes above esbuild's first line: the map's lines start one lower (an empty first
  // line in its mappings), or every position in a trace or profile names the line above it.
  const map = JSON.parse(result.outputFiles.find((f) => f.path.endsWith('.map')).text);
  map.mappings = `;${map.mappings}`;
  mapText = JSON.stringify(map);
  const id = crypto.createHash('sha256').update(body).digest('hex').slice(0, 32);
  return `// robocurse-cli-bundle ${id}\n${body}`;
}

async function main() {
  const text = await bundleText();
  // Old caches go first: a cache never lies beside a bundle of another build (and the loader
  // offers none whose first line names another build).
  for (const name of fs.readdirSync(cliDir)) if (/^cli-bundle\..*cache$/.test(name) || name === 'cli-help.json') fs.rmSync(path.join(cliDir, name), { force: true });
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, out);
  fs.writeFileSync(`${out}.map`, mapText);
  // The static help texts bin/robocurse.js prints without loading the bundle (static-help.ts).
  const helped = spawnSync(process.execPath, [path.join(__dirname, 'write-cli-help.js')], { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  if (helped.status !== 0) throw new Error(`write-cli-help.js exited ${helped.status ?? helped.signal}:\n${helped.stdout}${helped.stderr}`);
  const { CACHE_KINDS } = require(path.join(cliDir, 'bundle-loader.js'));
  for (const kind of CACHE_KINDS) {
    // Its output is the commands' own (help text, a run's lines): shown only when it fails.
    const trained = spawnSync(process.execPath, [path.join(__dirname, 'train-cli-cache.js'), kind], { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
    if (trained.status !== 0) throw new Error(`train-cli-cache.js ${kind} exited ${trained.status ?? trained.signal}:\n${trained.stdout}${trained.stderr}`);
  }
}

module.exports = { bundleText, bundleFile: out, shareImportStar, SHARED_IMPORT_STAR, TSC_IMPORT_STAR };

if (require.main === module) {
  main().catch((err) => {
    fs.rmSync(tmp, { force: true });
    process.stderr.write(`bundle-cli: ${err.message}\n`);
    process.exit(1);
  });
}
