/**
 * Version of the public plugin API in `src/api`. Plugins declare a semver range of API
 * versions they support; the loader refuses a plugin whose range does not contain this.
 * Bump the major on any breaking change to an exported type or its contract.
 */
export const API_VERSION = '1.0.0';
