import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { scriptOf, type PowerShellCall, type PowerShellResult, type PowerShellRunner } from '../../../plugins/vss/powershell-runner';
import { scriptName } from '../../../plugins/vss/scripts';

/** One recorded PowerShell call: which script, with which environment, and what came back. */
export interface TranscriptCall {
  script: 'create' | 'delete' | 'list';
  env: Record<string, string>;
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

/** A test/fixtures/vss-transcripts/*.json file. */
export interface Transcript {
  description: string;
  platform: NodeJS.Platform;
  options: { linkDir: string };
  operation: { method: 'create' | 'delete' | 'list'; args: string[] };
  calls: TranscriptCall[];
  expect: { resolves: unknown } | { rejects: string };
}

export const TRANSCRIPT_DIR = path.resolve(__dirname, '../../../../test/fixtures/vss-transcripts');

export function loadTranscripts(): { name: string; t: Transcript }[] {
  return fs.readdirSync(TRANSCRIPT_DIR).filter((f) => f.endsWith('.json')).sort()
    .map((f) => ({ name: f.replace(/\.json$/, ''), t: JSON.parse(fs.readFileSync(path.join(TRANSCRIPT_DIR, f), 'utf8')) as Transcript }));
}

/**
 * Replays a transcript: each call must be the next recorded one (same script, same environment),
 * and must carry no value in its command line: paths and ids travel in the environment only.
 */
export class TranscriptRunner implements PowerShellRunner {
  readonly seen: PowerShellCall[] = [];
  constructor(private readonly calls: TranscriptCall[]) {}

  async run(call: PowerShellCall): Promise<PowerShellResult> {
    this.seen.push(call);
    const next = this.calls[this.seen.length - 1];
    expect(next, `unexpected PowerShell call #${this.seen.length}`).to.not.equal(undefined);
    expect(call.argv.slice(0, 6)).to.deep.equal(['C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe', '-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-EncodedCommand']);
    expect(call.argv).to.have.length(7);
    expect(scriptName(scriptOf(call.argv))).to.equal(next.script);
    expect(call.env).to.deep.equal(next.env);
    for (const value of Object.values(call.env)) expect(scriptOf(call.argv)).to.not.contain(value);
    return { exitCode: next.exitCode, stdout: next.stdout, stderr: next.stderr };
  }

  get remaining(): number { return this.calls.length - this.seen.length; }
}
