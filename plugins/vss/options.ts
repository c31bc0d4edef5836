/** Options of the vss snapshot provider (global.plugins[].options). */
export interface VssOptions {
  /**
   * Local folder where each shadow copy is exposed as a directory symbolic link
   * `robocurse-<shadow id>`; default `%ProgramData%\robocurse\vss`. Keep it out of every source.
   */
  linkDir?: string;
  /** Windows PowerShell 5.1 or PowerShell 7 (`pwsh.exe`). */
  powershellPath: string;
  /** Time limit of one PowerShell call: creating a shadow copy can take a minute on a busy volume. */
  timeoutSeconds: number;
}

/** JSON Schema (draft-07) of the vss provider's options. */
export const vssOptionsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    linkDir: { type: 'string', minLength: 3, pattern: '^[^\\r\\n"*?<>|]*$', 'x-message': 'expected an absolute local Windows folder, e.g. C:\\ProgramData\\robocurse\\vss' },
    powershellPath: { type: 'string', minLength: 1, default: 'powershell.exe' },
    timeoutSeconds: { type: 'integer', minimum: 10, default: 300 },
  },
} as const;

export const DEFAULT_VSS_OPTIONS: VssOptions = { powershellPath: 'powershell.exe', timeoutSeconds: 300 };
