/** Options of the vss snapshot provider (global.plugins[].options). */
export interface VssOptions {
  /**
   * Local folder where each shadow copy is exposed as a directory symbolic link
   * `robocurse-<shadow id>`; default `%ProgramData%\robocurse\vss`. Keep it out of every source.
   */
  linkDir?: string;
  /**
   * Windows PowerShell 5.1 or PowerShell 7 (`pwsh.exe`), an absolute path; default
   * %SystemRoot%\System32\WindowsPowerShell\v1.0\powershell.exe (never a bare name, which a
   * search path could hijack).
   */
  powershellPath?: string;
  /** Time limit of one PowerShell call: creating a shadow copy can take a minute on a busy volume. */
  timeoutSeconds: number;
}

/** JSON Schema (draft-07) of the vss provider's options. */
export const vssOptionsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    linkDir: { type: 'string', minLength: 3, pattern: '^[^\\r\\n"*?<>|]*$', 'x-message': 'expected an absolute local Windows folder, e.g. C:\\ProgramData\\robocurse\\vss' },
    powershellPath: { type: 'string', pattern: '^(?:[A-Za-z]:[\\\\/]|\\\\\\\\)[^\\r\\n"*?<>|]*$', 'x-message': 'expected an absolute Windows path, e.g. C:\\Program Files\\PowerShell\\7\\pwsh.exe' },
    timeoutSeconds: { type: 'integer', minimum: 10, default: 300 },
  },
} as const;

export const DEFAULT_VSS_OPTIONS: VssOptions = { timeoutSeconds: 300 };
