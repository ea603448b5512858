import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { ConfigLike, serverSettings } from '../src/settings';

function cfg(values: Record<string, unknown>): ConfigLike {
  return { get: <T>(k: string) => values[k] as T | undefined };
}

test('rules, buildkit and inlineSuppression pass through; client-only keys do not', () => {
  const got = serverSettings(
    cfg({
      'server.path': '/x/msls',
      'server.args': ['--x'],
      logLevel: 'debug',
      'trace.server': 'verbose',
      buildkit: false,
      inlineSuppression: true,
      rules: {
        CacheBustingCopy: 'error',
        SingleStageBuild: 'off',
        AptNoCleanup: false,
        RootFinalStage: { severity: 'warning', enabled: true },
      },
    }),
  );
  assert.deepEqual(got, {
    buildkit: false,
    inlineSuppression: true,
    rules: {
      CacheBustingCopy: 'error',
      SingleStageBuild: 'off',
      AptNoCleanup: false,
      RootFinalStage: { severity: 'warning', enabled: true },
    },
  });
});

test('invalid values are dropped instead of forwarded', () => {
  const got = serverSettings(
    cfg({
      buildkit: 'yes',
      rules: { A: { severity: 'fatal', enabled: 'yes' }, B: 'loud', C: null, D: { enabled: true, extra: 1 }, E: [1] },
    }),
  );
  assert.deepEqual(got, { rules: { D: { enabled: true } } });
});

test('nothing set: empty object, which the server reads as its defaults', () => {
  assert.deepEqual(serverSettings(cfg({})), {});
  assert.deepEqual(serverSettings(cfg({ rules: {} })), {});
});
