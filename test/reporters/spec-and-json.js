'use strict';
// Mocha reporter: the usual spec output on the terminal, plus mocha's own counts and failures
// as JSON in the file named by --reporter-option json=FILE (read by .ci/run).
const fs = require('fs');
const Mocha = require('mocha');
const { EVENT_RUN_END, EVENT_TEST_FAIL } = Mocha.Runner.constants;

class SpecAndJson extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const file = (options.reporterOption || options.reporterOptions || {}).json;
    const failures = [];
    runner.on(EVENT_TEST_FAIL, (test, err) => failures.push({ title: test.fullTitle(), message: String(err && err.message) }));
    runner.once(EVENT_RUN_END, () => {
      if (file) fs.writeFileSync(file, JSON.stringify({ stats: this.stats, failures }, null, 2));
    });
  }
}
module.exports = SpecAndJson;
