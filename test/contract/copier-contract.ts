// Moved to src/testing (exported to plugin authors as robocurse/plugin/testing).
export * from '../../src/testing/copier-contract';
