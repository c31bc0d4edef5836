import { expect } from 'chai';
import type { RobocurseConfig } from '../../../src/config/types';
import { dropSecretEnv, secretEnvNames } from '../../../src/cli/secret-env';

const cfg = (options: Record<string, unknown>[]): RobocurseConfig => ({
  version: 1, configPath: '/x/robocurse.json', configDir: '/x', profiles: [],
  global: {
    maxConcurrentJobs: 1, engine: 'native', bandwidthLimitMbps: 0, logDir: '/x/logs', stateDir: '/x/state', pluginPaths: [],
    pauseTimeoutSeconds: 0, pauseTimeoutAction: 'resume',
    plugins: options.map((o, i) => ({ use: `p${i}`, options: o, jsonPath: `global.plugins[${i}]` })),
  },
});

describe('secret environment variables', () => {
  it('finds every {"env": NAME} reference in plugin options, nested, and only those', () => {
    const c = cfg([{ auth: { user: 'u', password: { env: 'SMTP_PASS' } } }, { tokens: [{ env: 'HOOK_TOKEN' }, { env: 'X', other: 1 }], env: 'plain-string' }]);
    expect(secretEnvNames(c).sort()).to.deep.equal(['HOOK_TOKEN', 'SMTP_PASS']);
  });

  it('removes them from the environment it is given, but never what children need to run', () => {
    const env: NodeJS.ProcessEnv = { SMTP_PASS: 's', HOOK_TOKEN: 't', PATH: '/usr/bin', KEEP: 'k' };
    dropSecretEnv(cfg([{ p: { env: 'SMTP_PASS' } }, { q: { env: 'HOOK_TOKEN' } }, { r: { env: 'PATH' } }]), env);
    expect(env).to.deep.equal({ PATH: '/usr/bin', KEEP: 'k' });
  });
});
