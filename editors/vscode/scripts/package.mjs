// npm run package: bundle the extension, then write
//   msls-<version>.vsix                   no binary (uses msls.server.path or msls on PATH)
//   msls-<target>-<version>.vsix          per target, with bin/<platform>-<arch>/msls cross-built by Go
// MSLS_PREBUILT=DIR packs DIR/<goos>-<goarch>/msls[.exe] instead of building (scripts/release.sh).
// Targets: MSLS_TARGETS="linux-x64 linux-arm64 darwin-arm64 win32-x64 ..." (default: linux-x64).
// MSLS_UNIVERSAL=0 skips the binary-less package. Works offline: vsce runs with --no-dependencies
// because esbuild already inlined vscode-languageclient.
import { execFileSync } from 'child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync, existsSync } from 'fs';
import * as path from 'path';
import { fileURLToPath } from 'url';

const here = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const repo = path.resolve(here, '..', '..');
const { version } = JSON.parse(readFileSync(path.join(here, 'package.json'), 'utf8'));
const targets = (process.env.MSLS_TARGETS ?? 'linux-x64').split(/[\s,]+/).filter(Boolean);
const goos = { linux: 'linux', alpine: 'linux', darwin: 'darwin', win32: 'windows' };
const goarch = { x64: 'amd64', arm64: 'arm64', armhf: 'arm' };

function run(cmd, args, opts = {}) {
  console.log(`$ ${cmd} ${args.join(' ')}`);
  execFileSync(cmd, args, { stdio: 'inherit', cwd: here, ...opts });
}
const vsce = path.join(here, 'node_modules', '@vscode', 'vsce', 'vsce');

run(process.execPath, ['scripts/build.mjs', '--production']);
rmSync(path.join(here, 'bin'), { recursive: true, force: true });

for (const target of targets) {
  const [plat, arch] = target.split('-');
  if (!goos[plat] || !goarch[arch]) throw new Error(`unknown target ${target}`);
  // VS Code reports alpine as linux, so an alpine package still ships bin/linux-<arch>
  const dir = path.join(here, 'bin', `${plat === 'alpine' ? 'linux' : plat}-${arch}`);
  mkdirSync(dir, { recursive: true });
  const exe = path.join(dir, plat === 'win32' ? 'msls.exe' : 'msls');
  if (process.env.MSLS_PREBUILT) {
    // scripts/release.sh: the very binary of the release archive, <dir>/<goos>-<goarch>/msls[.exe]
    copyFileSync(path.join(process.env.MSLS_PREBUILT, `${goos[plat]}-${goarch[arch]}`, path.basename(exe)), exe);
    chmodSync(exe, 0o755);
  } else {
    // the release build of scripts/build.sh (grpcnotrace: see there why)
    run('go', ['build', '-tags', 'grpcnotrace', '-trimpath', '-ldflags=-s -w', '-o', exe, './cmd/msls'], {
      cwd: repo,
      env: { ...process.env, GOOS: goos[plat], GOARCH: goarch[arch], CGO_ENABLED: '0', ...(arch === 'armhf' ? { GOARM: '7' } : {}) },
    });
  }
  run(process.execPath, [vsce, 'package', '--no-dependencies', '--skip-license', '--target', target, '-o', `msls-${target}-${version}.vsix`]);
  rmSync(path.join(here, 'bin'), { recursive: true, force: true });
}
if (process.env.MSLS_UNIVERSAL !== '0') {
  run(process.execPath, [vsce, 'package', '--no-dependencies', '--skip-license', '-o', `msls-${version}.vsix`]);
}
for (const f of [`msls-${version}.vsix`, ...targets.map((t) => `msls-${t}-${version}.vsix`)]) {
  if (existsSync(path.join(here, f))) console.log(`wrote editors/vscode/${f}`);
}
