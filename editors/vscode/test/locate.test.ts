import { after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { bundledPath, locateServer, ServerNotFoundError } from '../src/locate';

const made: string[] = [];
after(() => made.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
function tmpdir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'msls-locate-'));
  made.push(d);
  return d;
}
function exe(p: string): string {
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, '#!/bin/sh\n');
  fs.chmodSync(p, 0o755);
  return p;
}

test('the setting wins over the bundled binary and PATH', () => {
  const d = tmpdir();
  const ext = path.join(d, 'ext');
  exe(bundledPath(ext, 'linux', 'x64'));
  const mine = exe(path.join(d, 'custom', 'msls'));
  const onPath = exe(path.join(d, 'pathdir', 'msls'));
  const got = locateServer({ configured: mine, extensionPath: ext, platform: 'linux', arch: 'x64', env: { PATH: path.dirname(onPath) } });
  assert.deepEqual(got, { command: mine, source: 'setting' });
});

test('a setting relative to the workspace, with ~, or a bare name on PATH', () => {
  const d = tmpdir();
  const ws = path.join(d, 'ws');
  const rel = exe(path.join(ws, 'tools', 'msls'));
  const base = { extensionPath: path.join(d, 'ext'), platform: 'linux' as const, arch: 'x64', env: {} };
  assert.equal(locateServer({ ...base, configured: 'tools/msls', workspaceFolder: ws }).command, rel);
  const home = path.join(d, 'home');
  const inHome = exe(path.join(home, 'bin', 'msls'));
  assert.equal(locateServer({ ...base, configured: '~/bin/msls', homeDir: home }).command, inHome);
  const named = exe(path.join(d, 'p', 'msls-dev-build'));
  assert.equal(locateServer({ ...base, configured: 'msls-dev-build', env: { PATH: path.dirname(named) } }).command, named);
});

test('a bad setting is an error, not a silent fallback', () => {
  const d = tmpdir();
  const ext = path.join(d, 'ext');
  exe(bundledPath(ext, 'linux', 'x64'));
  assert.throws(
    () => locateServer({ configured: path.join(d, 'nope'), extensionPath: ext, platform: 'linux', arch: 'x64', env: {} }),
    (e: unknown) => e instanceof ServerNotFoundError && e.configured && /not an executable/.test(e.message),
  );
  // present but not executable
  const plain = path.join(d, 'plain');
  fs.writeFileSync(plain, '');
  assert.throws(() => locateServer({ configured: plain, extensionPath: ext, platform: 'linux', arch: 'x64', env: {} }), ServerNotFoundError);
});

test('bundled binary for this platform, then PATH', () => {
  const d = tmpdir();
  const ext = path.join(d, 'ext');
  const onPath = exe(path.join(d, 'pathdir', 'msls'));
  const env = { PATH: ['', path.join(d, 'empty'), path.dirname(onPath)].join(':') };
  assert.deepEqual(locateServer({ configured: '', extensionPath: ext, platform: 'linux', arch: 'x64', env }), { command: onPath, source: 'path' });
  // a binary for another platform does not count
  exe(bundledPath(ext, 'linux', 'arm64'));
  assert.equal(locateServer({ configured: undefined, extensionPath: ext, platform: 'linux', arch: 'x64', env }).source, 'path');
  const bundled = exe(bundledPath(ext, 'linux', 'x64'));
  assert.deepEqual(locateServer({ configured: '  ', extensionPath: ext, platform: 'linux', arch: 'x64', env }), { command: bundled, source: 'bundled' });
  assert.match(bundled, /bin[/\\]linux-x64[/\\]msls$/);
});

test('nothing found: a message that names the platform', () => {
  const d = tmpdir();
  assert.throws(
    () => locateServer({ configured: '', extensionPath: d, platform: 'linux', arch: 'x64', env: { PATH: d } }),
    (e: unknown) => e instanceof ServerNotFoundError && !e.configured && /linux-x64/.test(e.message) && /PATH/.test(e.message),
  );
});
