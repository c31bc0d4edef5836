import { assertSafeArgument } from './arg-safety';
import { RobocopyArgumentError } from './errors';

/**
 * Switches robocurse sets itself, with the reason shown to the admin. Overriding any of them
 * would break something robocurse relies on: its threads and bandwidth (/MT, /IORATE), its per-chunk log and the
 * parsing of it (/LOG, /UNILOG, /TEE, /NJS, /BYTES, /FP, ...), its live progress (/NP, /V, /TS),
 * its retry policy (/R, /W), bandwidth budget (/IPG), dry runs (/L), or the chunk's scope (/E,
 * /S, /MIR, /PURGE, /LEV, /XF, /XD).
 */
const MANAGED: Readonly<Record<string, string>> = {
  MT: 'set engineOptions.robocopy.threads instead',
  IORATE: 'set the bandwidth with bandwidthLimitMbps instead',
  LOG: 'robocurse writes a log per chunk', 'LOG+': 'robocurse writes a log per chunk',
  UNILOG: 'robocurse writes a log per chunk', 'UNILOG+': 'robocurse writes a log per chunk',
  TEE: 'robocurse reads live progress from robocopy\'s console output',
  NP: 'robocurse reads live progress from robocopy\'s console output',
  IPG: 'set the bandwidth with bandwidthLimitMbps instead',
  L: 'use a dry run (--dry-run) instead',
  R: 'set retry.engineRetries instead', W: 'set retry.engineWaitSeconds instead',
  E: 'the chunk decides the scope', S: 'the chunk decides the scope', LEV: 'the chunk decides the scope',
  MIR: 'set the profile\'s mirror option instead', PURGE: 'set the profile\'s mirror option instead',
  XF: 'use the profile\'s excludeFiles instead', XD: 'use the profile\'s excludeDirs instead',
  NJS: 'robocurse parses the job summary', NJH: 'robocurse keeps the job header to split appended logs',
  BYTES: 'robocurse needs exact byte counts', FP: 'robocurse needs full paths',
  NFL: 'robocurse reads file lines for live progress', NDL: 'robocurse sets directory listing itself',
  NS: 'robocurse reads file sizes for live progress', NC: 'robocurse reads file classes for live progress',
  V: 'verbose lines would be counted as copies', TS: 'timestamps shift the columns robocurse reads',
  UNICODE: 'robocurse decodes the output itself', ETA: 'robocurse computes the ETA itself',
  // Links copied as links land in the destination, and robocopy has no way not to follow a
  // destination link on the next run: a planted link would redirect its writes and purges.
  SL: 'robocurse never creates links in the destination (robocopy would follow them on the next run; see docs/safety.md)',
  SJ: 'robocurse never creates junctions in the destination (robocopy would follow them on the next run; see docs/safety.md)',
};

/**
 * The allow-list: switches that change how each file is copied or which files qualify, but not
 * the scope, the output format or robocurse's control of the process. Each is matched whole
 * (name and value syntax); anything else is refused, so a typo or a new switch is a clear error
 * rather than a surprise. Switches that move or delete source data (/MOV, /MOVE), run jobs from
 * files (/JOB, /SAVE) or wait for schedules (/RH, /PF) are deliberately absent.
 */
const ALLOWED: readonly RegExp[] = [
  /^\/(?:Z|B|ZB|J|EFSRAW|SEC|COPYALL|NOCOPY|SECFIX|TIMFIX|NODCOPY|NOOFFLOAD|COMPRESS|SPARSE|XC|XN|XO|XX|XL|IS|IT|IM|FFT|DST|FAT|256|XJ|XJD|XJF|X)$/i,
  /^\/COPY:[DATSOUX]+$/i,
  /^\/DCOPY:[DATEX]+$/i,
  /^\/(?:A\+|A-|IA|XA):[RASHCNETOLIPXVU]+$/i,
  /^\/(?:MAX|MIN):\d+$/i,
  /^\/(?:MAXAGE|MINAGE|MAXLAD|MINLAD):\d{1,8}$/i,
  /^\/SPARSE:[YN]$/i,
];

/** The switch's name as robocopy reads it: `/LOG+:x` → `LOG+`, `/r:3` → `R`. */
export function switchName(sw: string): string {
  const m = /^[/-]([A-Za-z0-9]+[+-]?)/.exec(sw);
  return m ? m[1].toUpperCase() : '';
}

/**
 * Checks the profile's extra robocopy switches (`engineOptions.robocopy.switches`) and returns
 * them unchanged. Throws RobocopyArgumentError naming the switch and `configKey[i]` for the first
 * one that is managed by robocurse, not allowed, or unsafe.
 */
export function checkUserSwitches(switches: readonly unknown[], configKey: string): string[] {
  return switches.map((sw, i) => {
    const key = `${configKey}[${i}]`;
    if (typeof sw !== 'string') throw new RobocopyArgumentError('ROBOCOPY_SWITCH_NOT_ALLOWED', String(sw), key, 'is not a string');
    assertSafeArgument(sw, key);
    const name = switchName(sw);
    const why = MANAGED[name];
    if (why !== undefined) {
      throw new RobocopyArgumentError('ROBOCOPY_MANAGED_SWITCH', sw, key, `/${name} is managed by robocurse (${why})`);
    }
    if (!sw.startsWith('/') || !ALLOWED.some((re) => re.test(sw))) {
      throw new RobocopyArgumentError('ROBOCOPY_SWITCH_NOT_ALLOWED', sw, key,
        'is not an allowed robocopy switch (see docs/robocopy.md for the list; values must use robocopy syntax /NAME:value)');
    }
    return sw;
  });
}

/** Every problem in a switch list, for config validation that reports all at once. */
export function robocopySwitchProblems(switches: readonly unknown[], configKey: string): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  switches.forEach((sw, i) => {
    try { checkUserSwitches([sw], configKey); } catch (err) {
      if (!(err instanceof RobocopyArgumentError)) throw err;
      const p = err.toProblem();
      problems.push({ path: `${configKey}[${i}]`, message: p.message });
    }
  });
  return problems;
}
