// Test-only extension, installed next to the real msls .vsix in code-server. It only uses VS Code's
// public API (diagnostics, executeHoverProvider, executeCompletionItemProvider, executeCodeActionProvider),
// so it sees exactly what a user would, then stages the screen for the screenshot. It records facts;
// the runner (vscode-e2e.mjs) decides pass/fail against expect.json.
'use strict';
const fs = require('fs');
const vscode = require('vscode');

const MSLS_ID = 'msls-dev.msls';

function textOf(contents) {
  return contents.map((c) => (typeof c === 'string' ? c : c.value)).join('\n');
}

function waitForDiagnostics(uri, wanted, timeoutMs) {
  // the server may publish an empty set first (e.g. before a debounce); wait for the wanted codes or time out
  const codesOf = (ds) => ds.map((d) => (typeof d.code === 'object' && d.code ? String(d.code.value) : String(d.code)));
  const done = (ds) => ds.length > 0 && wanted.every((c) => codesOf(ds).includes(c));
  return new Promise((resolve) => {
    const now = vscode.languages.getDiagnostics(uri);
    if (done(now)) return resolve(now);
    const sub = vscode.languages.onDidChangeDiagnostics((e) => {
      if (!e.uris.some((u) => u.toString() === uri.toString())) return;
      const ds = vscode.languages.getDiagnostics(uri);
      if (done(ds)) { sub.dispose(); clearTimeout(t); resolve(ds); }
    });
    const t = setTimeout(() => { sub.dispose(); resolve(vscode.languages.getDiagnostics(uri)); }, timeoutMs);
  });
}

function describeDiagnostic(d) {
  return {
    line: d.range.start.line, character: d.range.start.character,
    endLine: d.range.end.line, endCharacter: d.range.end.character,
    severity: ['error', 'warning', 'information', 'hint'][d.severity],
    code: typeof d.code === 'object' && d.code ? String(d.code.value) : d.code === undefined ? null : String(d.code),
    href: typeof d.code === 'object' && d.code && d.code.target ? d.code.target.toString() : null,
    source: d.source || null,
    message: d.message,
  };
}

async function run(reportFile, expect, sceneFile) {
  const report = { vscode: vscode.version, steps: {}, errors: [] };
  const write = () => fs.writeFileSync(reportFile + '.tmp', JSON.stringify(report, null, 2));
  const step = async (name, fn) => {
    try { report.steps[name] = await fn(); } catch (e) { report.errors.push(`${name}: ${e && e.stack || e}`); }
    write();
  };
  const folder = vscode.workspace.workspaceFolders && vscode.workspace.workspaceFolders[0];
  const uriOf = (name) => vscode.Uri.joinPath(folder.uri, name);

  await step('extension', async () => {
    const ext = vscode.extensions.getExtension(MSLS_ID);
    if (!ext) return { installed: false };
    const api = await ext.activate();
    await api.ready();
    const s = api.server();
    return { installed: true, version: ext.packageJSON.version, active: ext.isActive, server: s || null };
  });

  for (const [name, want] of Object.entries(expect.diagnostics || {})) {
    await step(`diagnostics:${name}`, async () => {
      const uri = uriOf(name);
      const doc = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(doc);
      const ds = await waitForDiagnostics(uri, want.codes || [], 20000);
      return { languageId: doc.languageId, diagnostics: ds.map(describeDiagnostic) };
    });
  }

  if (expect.hover) {
    await step('hover', async () => {
      const uri = uriOf(expect.hover.file);
      await vscode.workspace.openTextDocument(uri);
      const p = expect.hover.position;
      const hs = await vscode.commands.executeCommand('vscode.executeHoverProvider', uri, new vscode.Position(p.line, p.character));
      return { hovers: (hs || []).map((h) => textOf(h.contents)) };
    });
  }

  if (expect.completion) {
    await step('completion', async () => {
      const uri = uriOf(expect.completion.file);
      await vscode.workspace.openTextDocument(uri);
      const p = expect.completion.position;
      const list = await vscode.commands.executeCommand('vscode.executeCompletionItemProvider', uri, new vscode.Position(p.line, p.character));
      const items = list ? list.items : [];
      return { labels: items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label)) };
    });
  }

  if (expect.codeActions) {
    await step('codeActions', async () => {
      const uri = uriOf(expect.codeActions.file);
      const doc = await vscode.workspace.openTextDocument(uri);
      const r = expect.codeActions.range;
      const range = new vscode.Range(r.line, r.character, r.endLine, r.endCharacter);
      const actions = await vscode.commands.executeCommand('vscode.executeCodeActionProvider', uri, range);
      return {
        actions: (actions || []).map((a) => ({ title: a.title, kind: a.kind ? a.kind.value : null, hasEdit: !!a.edit, isPreferred: !!a.isPreferred })),
        lines: doc.lineCount,
      };
    });
  }

  // live configuration: turning a rule off must drop its diagnostic without a restart
  if (expect.configChange) {
    await step('configChange', async () => {
      const { file, code } = expect.configChange;
      const uri = uriOf(file);
      const cfg = vscode.workspace.getConfiguration('msls');
      const has = () => vscode.languages.getDiagnostics(uri).some((d) => describeDiagnostic(d).code === code);
      const before = has();
      await cfg.update('rules', { [code]: { enabled: false } }, vscode.ConfigurationTarget.Global);
      const gone = await poll(() => !has(), 10000);
      await cfg.update('rules', undefined, vscode.ConfigurationTarget.Global);
      const back = await poll(() => has(), 10000);
      return { before, goneAfterDisable: gone, backAfterReset: back };
    });
  }

  // the contributed commands: both registered, and a restart brings the diagnostics back
  if (expect.restart) {
    await step('commands', async () => {
      const all = await vscode.commands.getCommands(true);
      const registered = ['msls.restart', 'msls.showOutput'].filter((c) => all.includes(c));
      await vscode.commands.executeCommand('msls.showOutput');
      const uri = uriOf(expect.restart.file);
      await vscode.commands.executeCommand('msls.restart');
      const api = vscode.extensions.getExtension(MSLS_ID).exports;
      await api.ready();
      const ds = await waitForDiagnostics(uri, expect.restart.codes, 20000);
      const codes = ds.map((d) => describeDiagnostic(d).code);
      return { registered, diagnosticsAfterRestart: expect.restart.codes.every((c) => codes.includes(c)) };
    });
  }

  // a wrong msls.server.path: the start fails with a message naming the setting, and fixing the
  // setting brings the server back without reloading the window
  if (expect.notFound) {
    await step('notFound', async () => {
      const cfg = vscode.workspace.getConfiguration('msls');
      const api = vscode.extensions.getExtension(MSLS_ID).exports;
      await cfg.update('server.path', '/nonexistent/msls', vscode.ConfigurationTarget.Global);
      let rejected = false;
      try { await api.ready(); } catch { rejected = true; }
      const message = api.lastError() || null;
      const serverWhileBroken = api.server() || null;
      await cfg.update('server.path', undefined, vscode.ConfigurationTarget.Global);
      let recovered = true;
      try { await api.ready(); } catch { recovered = false; }
      const uri = uriOf(expect.notFound.file);
      const ds = await waitForDiagnostics(uri, expect.notFound.codes, 20000);
      const codes = ds.map((d) => describeDiagnostic(d).code);
      return { rejected, message, serverWhileBroken, recovered, diagnosticsBack: expect.notFound.codes.every((c) => codes.includes(c)) };
    });
  }

  report.finished = true;
  write();
  fs.renameSync(reportFile + '.tmp', reportFile);

  if (sceneFile) {
    // the screenshot: the naive Dockerfile, its problems, and the code-action menu on the FROM line
    try {
      const uri = uriOf(expect.scene && expect.scene.file || 'Dockerfile');
      const doc = await vscode.workspace.openTextDocument(uri);
      const editor = await vscode.window.showTextDocument(doc, { preview: false });
      await vscode.commands.executeCommand('notifications.clearAll');
      await vscode.commands.executeCommand('workbench.actions.view.problems');
      await vscode.commands.executeCommand('workbench.action.focusActiveEditorGroup');
      const l = (expect.scene && expect.scene.line) || 0;
      const c = (expect.scene && expect.scene.character) || 0;
      editor.selection = new vscode.Selection(l, c, l, c);
      await sleep(500);
      const sc = expect.scene || {};
      await vscode.commands.executeCommand(sc.command || 'editor.action.quickFix', ...(sc.args ? [sc.args] : []));
      await sleep(1500);
    } catch (e) {
      report.errors.push(`scene: ${e && e.stack || e}`);
    }
    fs.writeFileSync(sceneFile, 'ready\n');
  }
}

function sleep(ms) { return new Promise((r) => setTimeout(r, ms)); }
async function poll(cond, timeoutMs) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) { if (cond()) return true; await sleep(100); }
  return cond();
}

function activate() {
  const cfg = vscode.workspace.getConfiguration('mslsE2E');
  const reportFile = cfg.get('reportFile');
  const expectFile = cfg.get('expectFile');
  if (!reportFile || !expectFile) return;
  const expect = JSON.parse(fs.readFileSync(expectFile, 'utf8'));
  run(reportFile, expect, cfg.get('sceneFile')).catch((e) => {
    fs.writeFileSync(reportFile, JSON.stringify({ fatal: String(e && e.stack || e) }));
  });
}

module.exports = { activate, deactivate() {} };
