#!/usr/bin/env node
'use strict';
/*
 * Writes dist/src/config/config-validator.js: config/robocurse.schema.json compiled to standalone
 * code at build time, so no command compiles the schema (or loads ajv) at start-up. Run by
 * `npm run build` after tsc; a unit test fails when the file does not match the schema.
 */
const fs = require('node:fs');
const path = require('node:path');
const { configValidatorSource } = require('../dist/src/config/config-validator-source');

const schema = path.join(__dirname, '..', 'config', 'robocurse.schema.json');
const out = path.join(__dirname, '..', 'dist', 'src', 'config', 'config-validator.js');
const tmp = `${out}.${process.pid}.tmp`;
fs.writeFileSync(tmp, configValidatorSource(fs.readFileSync(schema, 'utf8')));
fs.renameSync(tmp, out);
