/**
 * JSON schema of `engineOptions.robocopy`: the one source of truth for the robocopy engine's
 * options (config/robocurse.schema.json is generated from it; a test checks docs/robocopy.md).
 */
export const ROBOCOPY_OPTIONS_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    executable: { type: 'string', minLength: 1, description: 'Robocopy.exe, an absolute path (default: env ROBOCURSE_ROBOCOPY, else %SystemRoot%\\System32\\Robocopy.exe).' },
    switches: { type: 'array', items: { type: 'string', pattern: '^/' }, description: 'Extra switches from the allow-list in docs/robocopy.md.' },
    mismatchSeverity: { enum: ['Warning', 'Error', 'Success'], description: 'Severity of exit bit 4 (mismatches).' },
    codePage: { description: 'OEM code page of robocopy\'s console output and non-Unicode logs, e.g. 850; default: detected', type: ['integer', 'string'] },
    engineRetries: { type: 'integer', minimum: 0, maximum: 1000000, description: 'Overrides retry.engineRetries (/R).' },
    engineWaitSeconds: { type: 'integer', minimum: 0, maximum: 3600, description: 'Overrides retry.engineWaitSeconds (/W).' },
  },
} as const;
