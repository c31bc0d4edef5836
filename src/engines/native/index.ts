export { NativeCopier, type NativeCopierOptions } from './native-copier';
export type { NativeEngineOptions } from './native-options';
export { NATIVE_BITS, nativeExitCode, nativeExitMeaning } from './native-outcome';
