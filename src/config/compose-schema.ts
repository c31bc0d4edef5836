import { NATIVE_OPTIONS_SCHEMA } from '../engines/native/options-schema';
import { ROBOCOPY_OPTIONS_SCHEMA } from '../engines/robocopy/options-schema';
import { RSYNC_OPTIONS_SCHEMA } from '../engines/rsync/options-schema';
import { SIMULATED_OPTIONS_SCHEMA } from '../engines/simulated/options-schema';
import { PRESERVE_SCHEMA } from './preserve-schema';

/** Each built-in engine's options schema, declared by the engine itself. */
export const ENGINE_OPTION_SCHEMAS: Record<string, object> = {
  native: NATIVE_OPTIONS_SCHEMA,
  rsync: RSYNC_OPTIONS_SCHEMA,
  robocopy: ROBOCOPY_OPTIONS_SCHEMA,
  simulated: SIMULATED_OPTIONS_SCHEMA,
};

type Json = Record<string, any>;

/**
 * config/robocurse.schema.json with the parts other modules own put in: each engine's
 * `engineOptions.<engine>` schema and the profile's `preserve`. The committed file is this
 * function's output (`node scripts/write-config-schema.js` writes it; a unit test fails when it is
 * out of date), so editors and `validate` see one schema, and each engine's options have one
 * source: the schema the engine exports.
 */
export function composeConfigSchema(base: Json): Json {
  const schema = JSON.parse(JSON.stringify(base)) as Json;
  const defs = schema.definitions as Json;
  defs.preserve = PRESERVE_SCHEMA;
  const profile = defs.profile.properties as Json;
  profile.preserve = { $ref: '#/definitions/preserve' };
  profile.engineOptions.properties = JSON.parse(JSON.stringify(ENGINE_OPTION_SCHEMAS)) as Json;
  return schema;
}
