import { TOKENS, type Chunker } from '../../api';
import { createContainer } from '../../di/container';
import { planProfile, renderPlan, type ProfilePlan } from '../../plan';
import type { WorkerScanner } from '../../scan';
import { EXIT, type ExitCode } from '../exit-codes';
import type { CliIo, CommonArgs } from '../io';
import { loadCliConfig, selectProfiles } from '../load-cli-config';
import { handleCommandError } from './validate';

/** `robocurse plan`: scan + chunk the selected profiles and print the plan; writes nothing. */
export async function planCommand(args: CommonArgs, io: CliIo): Promise<ExitCode> {
  let scanner: WorkerScanner | undefined;
  try {
    const cfg = await loadCliConfig(args, io);
    const profiles = selectProfiles(cfg, args, true);
    const c = createContainer();
    scanner = c.resolve<WorkerScanner>(TOKENS.Scanner);
    const chunker = c.resolve<Chunker>(TOKENS.Chunker);
    const plans: ProfilePlan[] = [];
    for (const p of profiles) plans.push(await planProfile(p, { scanner, chunker }));
    io.stdout.write(renderPlan(plans, { json: Boolean(args.json) }));
    return EXIT.Success;
  } catch (e) {
    return handleCommandError(e, args, io);
  } finally {
    await scanner?.close();
  }
}
