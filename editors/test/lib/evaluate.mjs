// Judges what an editor saw (a report in the vscode-driver's shape) against expect.json.
// Kept apart from the runner so that the judging itself is unit-tested (evaluate.test.mjs).

/**
 * @param {object} opts  editor: 'vscode' checks the extension step (only VS Code has an extension to find)
 * @returns {{failures: string[], checks: number}}
 */
export function evaluate(report, expect, opts = { editor: 'vscode' }) {
  const failures = [];
  let checks = 0;
  const check = (ok, msg) => { checks++; if (!ok) failures.push(msg); };

  if (!report || report.fatal) {
    return { failures: [`no usable report${report && report.fatal ? `: ${report.fatal}` : ''}`], checks: 1 };
  }
  for (const e of report.errors || []) failures.push(`driver error: ${e}`);

  check(report.finished, 'the driver did not finish');
  const ext = report.steps && report.steps.extension;
  if (opts.editor === 'vscode') check(ext && ext.installed, 'msls extension is not installed');
  if (opts.editor === 'vscode' && ext && ext.installed) {
    check(ext.active, 'msls extension did not activate');
    check(ext.server && ext.server.command, 'msls extension found no server');
    if (expect.serverSource) check(ext.server && ext.server.source === expect.serverSource,
      `server came from ${ext.server && ext.server.source}, want ${expect.serverSource}`);
  }

  for (const [file, ft] of Object.entries(report.steps.filetypes || {})) {
    check(ft === 'dockerfile', `file type of ${file} is "${ft}", want dockerfile`);
  }

  for (const [file, want] of Object.entries(expect.diagnostics || {})) {
    const got = report.steps[`diagnostics:${file}`];
    check(got, `${file}: no diagnostics step`);
    if (!got) continue;
    check(got.languageId === 'dockerfile', `${file}: languageId ${got.languageId}, want dockerfile`);
    const ds = got.diagnostics || [];
    check(ds.length > 0, `${file}: no diagnostics at all`);
    for (const d of ds) check(d.source === 'msls', `${file}: diagnostic "${d.message}" has source ${d.source}, want msls`);
    const codes = ds.map((d) => d.code);
    for (const code of want.codes || []) {
      check(codes.includes(code), `${file}: missing ${code} (got ${codes.join(', ') || 'none'})`);
      const line = want.lines && want.lines[code];
      if (line !== undefined) {
        check(ds.some((d) => d.code === code && d.line === line), `${file}: ${code} not on line ${line + 1}`);
      }
    }
    if (want.href) for (const d of ds.filter((x) => (want.codes || []).includes(x.code))) {
      check(d.href && d.href.includes(d.code), `${file}: ${d.code} has no documentation link`);
    }
  }

  if (expect.hover) {
    const got = report.steps.hover;
    const text = got ? got.hovers.join('\n') : '';
    check(text.trim().length > 0, 'hover: empty');
    for (const s of expect.hover.contains || []) check(text.includes(s), `hover: does not mention "${s}": ${JSON.stringify(text.slice(0, 120))}`);
  }

  if (expect.completion) {
    const labels = (report.steps.completion && report.steps.completion.labels) || [];
    for (const l of expect.completion.labels || []) {
      check(labels.includes(l), `completion: no "${l}" among ${labels.length} items (${labels.slice(0, 8).join(', ')})`);
    }
    for (const l of expect.completion.absent || []) check(!labels.includes(l), `completion: "${l}" offered but should not be`);
  }

  if (expect.codeActions) {
    const actions = (report.steps.codeActions && report.steps.codeActions.actions) || [];
    for (const re of expect.codeActions.titles || []) {
      const rx = new RegExp(re, 'i');
      check(actions.some((a) => rx.test(a.title)), `code actions: none matches /${re}/i (got ${actions.map((a) => a.title).join(' | ') || 'none'})`);
    }
    for (const k of expect.codeActions.kinds || []) {
      check(actions.some((a) => a.kind && (a.kind === k || a.kind.startsWith(`${k}.`))), `code actions: no action of kind ${k}`);
    }
  }

  if (expect.configChange) {
    const got = report.steps.configChange;
    check(got && got.before, `config: ${expect.configChange.code} not reported before the change`);
    check(got && got.goneAfterDisable, `config: ${expect.configChange.code} still reported after disabling it (no live reconfiguration)`);
    check(got && got.backAfterReset, `config: ${expect.configChange.code} did not come back after resetting the setting`);
  }
  if (expect.restart && opts.editor === 'vscode') {
    const got = report.steps.commands;
    for (const c of ['msls.restart', 'msls.showOutput']) check(got && got.registered.includes(c), `command ${c} is not registered`);
    check(got && got.diagnosticsAfterRestart, 'no diagnostics after "msls: Restart server"');
  }
  if (expect.notFound && opts.editor === 'vscode') {
    const got = report.steps.notFound || {};
    check(got.rejected, 'a wrong msls.server.path did not stop the start');
    check(got.message && got.message.includes('msls.server.path'), `the not-found message does not name the setting: ${got.message}`);
    check(got.recovered && got.diagnosticsBack, 'resetting msls.server.path did not bring the server back');
  }
  if (expect.renameTargets && opts.editor === 'neovim') {
    const rt = expect.renameTargets;
    const got = report.steps.renameTargets || {};
    check(got.referenced, `rename: the references of the stage never reached ${rt.target}`);
    check((got.fileText || '').includes(rt.fileContains), `rename: ${rt.file} lacks "${rt.fileContains}"`);
    check((got.targetText || '').includes(rt.targetContains), `rename: ${rt.target} lacks "${rt.targetContains}": ${JSON.stringify(got.targetText)}`);
  }
  return { failures, checks };
}
