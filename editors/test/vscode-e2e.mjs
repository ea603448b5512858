#!/usr/bin/env node
// End-to-end test in real VS Code: code-server 4.100.3 (VS Code 1.100.3) in headless Debian Chromium.
// Installs the msls .vsix (the linux-x64 one, whose bundled binary is msls freshly built from the tree),
// installs the test-only driver extension, opens the fixture workspace in the browser, and judges the
// driver's report (what VS Code's own APIs returned) against expect.json. Takes a screenshot.
//
// usage: vscode-e2e.mjs --vsix FILE --code-server BIN [--run DIR] [--screenshot PNG] [--expect FILE]
// Nothing is read from or written to the real HOME; no network beyond 127.0.0.1.
import { spawn, execFileSync } from 'child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, readdirSync } from 'fs';
import * as net from 'net';
import * as path from 'path';
import { fileURLToPath } from 'url';
import { evaluate } from './lib/evaluate.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => {
  if (a.startsWith('--')) acc.push([a.slice(2), all[i + 1]]);
  return acc;
}, []));
const vsix = path.resolve(args.vsix ?? '');
const codeServer = path.resolve(args['code-server'] ?? path.join(here, '.cache/code-server/node_modules/.bin/code-server'));
const runDir = path.resolve(args.run ?? path.join(here, '.run/vscode'));
const expectFile = path.resolve(args.expect ?? path.join(here, 'expect.json'));
const screenshot = args.screenshot ? path.resolve(args.screenshot) : path.join(runDir, 'screenshot.png');
const chromium = args.chromium ?? '/usr/bin/chromium';
const timeoutMs = Number(args.timeout ?? 120000);

function fail(msg) {
  console.log(`vscode: FAIL ${msg}`);
  process.exit(1);
}
if (!existsSync(vsix)) fail(`no .vsix at ${vsix}`);
if (!existsSync(codeServer)) fail(`no code-server at ${codeServer} (run install-deps.sh)`);

rmSync(runDir, { recursive: true, force: true });
const dirs = { home: 'home', ud: 'user-data', ext: 'extensions', ws: 'ws', chrome: 'chrome' };
for (const k of Object.keys(dirs)) { dirs[k] = path.join(runDir, dirs[k]); mkdirSync(dirs[k], { recursive: true }); }
const env = {
  ...process.env,
  HOME: dirs.home,
  XDG_CONFIG_HOME: path.join(dirs.home, '.config'),
  XDG_DATA_HOME: path.join(dirs.home, '.local/share'),
  XDG_CACHE_HOME: path.join(dirs.home, '.cache'),
  XDG_STATE_HOME: path.join(dirs.home, '.local/state'),
};
// no msls on PATH: the extension must use the binary inside the .vsix
env.PATH = env.PATH.split(':').filter((d) => !existsSync(path.join(d, 'msls'))).join(':');

cpSync(path.join(here, 'fixtures'), dirs.ws, { recursive: true });
const expect = JSON.parse(readFileSync(expectFile, 'utf8'));
const reportFile = path.join(runDir, 'report.json');
const sceneFile = path.join(runDir, 'scene-ready');
mkdirSync(path.join(dirs.ud, 'User'), { recursive: true });
writeFileSync(path.join(dirs.ud, 'User', 'settings.json'), JSON.stringify({
  'mslsE2E.reportFile': reportFile,
  'mslsE2E.expectFile': expectFile,
  'mslsE2E.sceneFile': sceneFile,
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'editor.minimap.enabled': false,
  'window.commandCenter': false,
  'workbench.colorTheme': 'Default Light Modern',
  'editor.fontSize': 15,
  'git.enabled': false,
  'git.openRepositoryInParentFolders': 'never',
}, null, 2));

async function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function waitFor(cond, ms, what) {
  const end = Date.now() + ms;
  while (Date.now() < end) { if (await cond()) return; await sleep(200); }
  throw new Error(`timed out after ${ms} ms waiting for ${what}`);
}

const port = await freePort();
writeFileSync(path.join(runDir, 'config.yaml'), `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
const common = ['--config', path.join(runDir, 'config.yaml'), '--user-data-dir', dirs.ud, '--extensions-dir', dirs.ext,
  '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override'];

// the extension under test, from its .vsix, and the driver, as an unpacked extension next to it
const install = (what) => execFileSync(codeServer, [...common, '--install-extension', what, '--force'], { env, encoding: 'utf8', stdio: 'pipe' });
try { install(vsix); } catch (e) { fail(`installing ${vsix}: ${e.stdout}${e.stderr}`); }
const driverVsix = path.join(runDir, 'msls-e2e-driver.vsix');
execFileSync(process.execPath, [path.join(here, '../vscode/node_modules/@vscode/vsce/vsce'), 'package', '--no-dependencies',
  '--skip-license', '--allow-missing-repository', '-o', driverVsix], { cwd: path.join(here, 'vscode-driver'), env, stdio: 'pipe' });
try { install(driverVsix); } catch (e) { fail(`installing the driver: ${e.stdout}${e.stderr}`); }
const installed = readdirSync(dirs.ext).filter((d) => !d.startsWith('.') && d !== 'extensions.json');
console.log(`[vscode] extensions: ${installed.join(', ')}`);

const cs = spawn(codeServer, [...common, dirs.ws], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
let csLog = '';
cs.stdout.on('data', (d) => { csLog += d; });
cs.stderr.on('data', (d) => { csLog += d; });
let browser;
let exitCode = 1;
const started = Date.now();
try {
  await waitFor(async () => {
    try { return (await fetch(`http://127.0.0.1:${port}/healthz`)).ok; } catch { return false; }
  }, 30000, 'code-server /healthz');
  const { chromium: pw } = await import('playwright-core');
  browser = await pw.launch({
    executablePath: chromium,
    env: env,   // HOME/XDG in the run dir: Chromium's crash reports and dconf stay there
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(dirs.ws)}`);
  await waitFor(() => existsSync(reportFile), timeoutMs, 'the driver report');
  const report = JSON.parse(readFileSync(reportFile, 'utf8'));
  try {
    await waitFor(() => existsSync(sceneFile), 30000, 'the screenshot scene');
    await sleep(800);
    mkdirSync(path.dirname(screenshot), { recursive: true });
    await page.screenshot({ path: screenshot });
    console.log(`[vscode] screenshot: ${screenshot}`);
  } catch (e) {
    console.log(`[vscode] no screenshot: ${e.message}`);
  }
  const { failures, checks } = evaluate(report, expect);
  const diagSummary = Object.entries(report.steps).filter(([k]) => k.startsWith('diagnostics:'))
    .map(([k, v]) => `${k.slice(12)}: ${(v.diagnostics || []).map((d) => `${d.line + 1}:${d.code}`).join(' ')}`).join('; ');
  console.log(`[vscode] VS Code ${report.vscode}, server ${JSON.stringify(report.steps.extension && report.steps.extension.server)}`);
  console.log(`[vscode] diagnostics: ${diagSummary}`);
  if (report.steps.hover) console.log(`[vscode] hover: ${JSON.stringify(report.steps.hover.hovers.join(' ').slice(0, 100))}`);
  if (report.steps.completion) console.log(`[vscode] completion: ${report.steps.completion.labels.slice(0, 10).join(', ')}`);
  if (report.steps.codeActions) console.log(`[vscode] code actions: ${report.steps.codeActions.actions.map((a) => a.title).join(' | ')}`);
  if (failures.length) {
    for (const f of failures) console.log(`[vscode]   FAIL ${f}`);
    console.log(`vscode: FAIL ${failures.length} of ${checks} checks failed (report: ${reportFile})`);
  } else {
    console.log(`vscode: PASS ${checks} checks, VS Code ${report.vscode} (code-server), ${((Date.now() - started) / 1000).toFixed(1)}s`);
    exitCode = 0;
  }
} catch (e) {
  console.log(`[vscode] ${e.message}`);
  console.log(csLog.split('\n').slice(-20).join('\n'));
  console.log(`vscode: FAIL ${e.message}`);
} finally {
  if (browser) await browser.close().catch(() => {});
  try { process.kill(-cs.pid, 'SIGTERM'); } catch {}
  writeFileSync(path.join(runDir, 'code-server.log'), csLog);
}
process.exit(exitCode);
