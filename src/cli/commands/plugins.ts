import { listPlugins } from '../../plugins/list-plugins';
import { pluginLocationOf } from '../../plugins/plugin-trust';
import { renderPlugins } from '../../plugins/render-plugins';
import { EXIT, type ExitCode } from '../exit-codes';
import type { CliIo, CommonArgs } from '../io';
import { loadCliConfig } from '../load-cli-config';
import { handleCommandError } from './validate';

/** `robocurse plugins`: what the config loads (name, kind, version, source). */
export async function pluginsCommand(args: CommonArgs, io: CliIo): Promise<ExitCode> {
  try {
    const cfg = await loadCliConfig(args, io);
    const { plugins, problems } = listPlugins(cfg.global.plugins, pluginLocationOf(cfg));
    io.stdout.write(renderPlugins(plugins, problems, args.json ? 'json' : 'text'));
    return problems.length > 0 ? EXIT.UsageOrConfig : EXIT.Success;
  } catch (e) {
    return handleCommandError(e, args, io);
  }
}
