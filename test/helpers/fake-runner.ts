import { expect } from 'chai';
import * as fs from 'node:fs';
import type { CommandResult, CommandRunner, RunOptions } from '../../src/schedule/runner';

/**
 * One recorded exchange with a scheduler tool. `argv` elements "{payload}" and "{encoded}" match
 * any value (a temp file path, a PowerShell -EncodedCommand); `script` lists text the decoded
 * PowerShell script must contain.
 */
export interface TranscriptStep {
  argv: string[];
  script?: string[];
  code: number;
  stdout?: string;
  stderr?: string;
}

export interface RecordedCall {
  argv: string[];
  stdin?: Buffer;
  /** Content of the file named by a "{payload}" argument, read while the command ran. */
  payload?: Buffer;
  /** The decoded -EncodedCommand script. */
  script?: string;
}

/**
 * Replays a transcript: each call must match the next step exactly, or the test fails. Used for
 * the schedulers this machine does not run (systemctl against a live manager, schtasks, launchctl).
 */
export class FakeRunner implements CommandRunner {
  readonly calls: RecordedCall[] = [];
  readonly detached: { argv: string[]; cwd: string }[] = [];

  constructor(private readonly steps: TranscriptStep[]) {}

  /** Loads a transcript, replacing `{name}` placeholders in every string with `vars[name]`. */
  static fromFile(file: string, vars: Record<string, string> = {}): FakeRunner {
    const sub = (s: string): string => s.replace(/\{([A-Za-z_]+)\}/g, (all, k: string) => vars[k] ?? all);
    const steps = (JSON.parse(fs.readFileSync(file, 'utf8')) as TranscriptStep[]).map((st) => ({
      ...st, argv: st.argv.map(sub), script: st.script?.map(sub), stdout: st.stdout && sub(st.stdout), stderr: st.stderr && sub(st.stderr),
    }));
    return new FakeRunner(steps);
  }

  async run(argv: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
    const step = this.steps.shift();
    expect(step, `unexpected command: ${JSON.stringify(argv)}`).to.not.equal(undefined);
    const call: RecordedCall = { argv: [...argv], stdin: options.stdin === undefined ? undefined : Buffer.from(options.stdin) };
    expect(argv.length, `argv of ${JSON.stringify(argv)} vs ${JSON.stringify(step!.argv)}`).to.equal(step!.argv.length);
    step!.argv.forEach((want, i) => {
      if (want === '{payload}') { call.payload = fs.readFileSync(argv[i]); return; }
      if (want === '{encoded}') { call.script = Buffer.from(argv[i], 'base64').toString('utf16le'); return; }
      expect(argv[i], `argv[${i}] of ${JSON.stringify(argv)}`).to.equal(want);
    });
    for (const s of step!.script ?? []) expect(call.script, 'decoded PowerShell script').to.contain(s);
    this.calls.push(call);
    return { code: step!.code, stdout: Buffer.from(step!.stdout ?? ''), stderr: Buffer.from(step!.stderr ?? '') };
  }

  async startDetached(argv: readonly string[], cwd: string): Promise<number> {
    this.detached.push({ argv: [...argv], cwd });
    return 4242;
  }

  /** Every step was used. */
  expectDone(): void {
    expect(this.steps.map((s) => s.argv.join(' ')), 'transcript steps never reached').to.deep.equal([]);
  }
}
