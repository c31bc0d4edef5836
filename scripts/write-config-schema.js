#!/usr/bin/env node
'use strict';
/*
 * Regenerates config/robocurse.schema.json from the engines' option schemas and the preserve
 * schema (src/config/compose-schema.ts). Run after `npm run build`; a unit test fails while the
 * committed file is out of date.
 */
const fs = require('node:fs');
const path = require('node:path');
const { composeConfigSchema } = require('../dist/src/config/compose-schema');

const file = path.join(__dirname, '..', 'config', 'robocurse.schema.json');
const composed = composeConfigSchema(JSON.parse(fs.readFileSync(file, 'utf8')));
fs.writeFileSync(file, `${JSON.stringify(composed, null, 2)}\n`);
process.stdout.write(`wrote ${file}\n`);
