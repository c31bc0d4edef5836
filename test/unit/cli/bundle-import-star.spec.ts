import { expect } from 'chai';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { packageRoot } from '../../../src/paths';

type ImportStar = (mod: unknown) => Record<string, unknown>;
interface BundleScript { shareImportStar(text: string, file?: string): string; SHARED_IMPORT_STAR: string; TSC_IMPORT_STAR: string }

/**
 * The bundle gives robocurse's modules one `__importStar` (scripts/bundle-cli.js): tsc's, with a
 * module's namespace made once for all its importers instead of once per importer (~8,000 getter
 * functions renamed by keepNames at each start, issue #17). It must answer as tsc's does.
 */
describe('CLI bundle: the shared __importStar answers as tsc\'s', () => {
  const script = require(path.join(packageRoot(), 'scripts', 'bundle-cli.js')) as BundleScript;
  const helpers = (source: string, name: string): ImportStar => {
    // tsc's helper needs its two neighbours; `this` is a module's exports object (no helpers on it).
    const tscNeighbours = 'var __createBinding = function(o, m, k) { var desc = Object.getOwnPropertyDescriptor(m, k); if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) desc = { enumerable: true, get: function() { return m[k]; } }; Object.defineProperty(o, k, desc); };\n'
      + 'var __setModuleDefault = function(o, v) { Object.defineProperty(o, "default", { enumerable: true, value: v }); };\n';
    return vm.runInNewContext(`(function () { ${tscNeighbours}${source}\nreturn ${name}; }).call({})`) as ImportStar;
  };
  const shared = helpers(script.SHARED_IMPORT_STAR, '__robocurseImportStar');
  const tsc = helpers(script.TSC_IMPORT_STAR, '__importStar');

  it('gives the same names, values, getters and default as tsc\'s, for objects, functions, ES modules and nothing', () => {
    const fn = Object.assign(function f(): number { return 1; }, { extra: 2 });
    const esm = { __esModule: true, x: 1 };
    const withGetter = Object.defineProperty({ plain: 1 }, 'computed', { get: () => 42, enumerable: true });
    for (const mod of [{ a: 1, b: 'two', default: 'ignored' }, fn, withGetter, esm, null, undefined]) {
      const a = shared(mod); const b = tsc(mod);
      if (mod === esm) { expect(a).to.equal(esm); expect(b).to.equal(esm); continue; }
      expect(Object.keys(a).sort(), String(mod)).to.deep.equal(Object.keys(b).sort());
      for (const k of Object.getOwnPropertyNames(b)) expect(a[k], k).to.equal(b[k]);
      expect(a.default).to.equal(mod);
    }
  });

  it('makes a module\'s namespace once, and it stays a live view of the module', () => {
    const mod = { counter: 1 };
    const first = shared(mod);
    expect(shared(mod)).to.equal(first);
    mod.counter = 5;
    expect(first.counter).to.equal(5);
    expect(shared({ counter: 1 })).to.not.equal(first);
  });

  it('replaces tsc\'s helper in a module with as many lines, and refuses a helper it does not know', () => {
    const module = `"use strict";\n${script.TSC_IMPORT_STAR}\nconst fs = __importStar(require("node:fs"));\n`;
    const out = script.shareImportStar(module, 'm.js');
    expect(out).to.contain('var __importStar = __robocurseImportStar;').and.not.contain('ownKeys');
    expect(out.split('\n')).to.have.length(module.split('\n').length);
    expect(out.split('\n').indexOf('const fs = __importStar(require("node:fs"));')).to.equal(module.split('\n').indexOf('const fs = __importStar(require("node:fs"));'));
    expect(script.shareImportStar('const x = 1;\n')).to.equal('const x = 1;\n');
    expect(() => script.shareImportStar('var __importStar = (this && this.__importStar) || function () {};', 'odd.js')).to.throw(/odd\.js .*TSC_IMPORT_STAR/);
  });
});
