/**
 * `import { declareNotifier, type Notifier } from 'robocurse/plugin'`: the one import path for
 * plugin authors — the contracts of src/api, the declare* helpers and API_VERSION, and nothing
 * of robocurse's internals.
 */
export * from './api';
