import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { evaluate } from './evaluate.mjs';

const expect = {
  serverSource: 'bundled',
  diagnostics: { 'broken.Dockerfile': { codes: ['ParseError'], lines: { ParseError: 1 } } },
  hover: { contains: ['deps'] },
  completion: { labels: ['deps'], absent: ['builder'] },
  codeActions: { titles: ['split'] },
  configChange: { code: 'X' },
  restart: { file: 'Dockerfile', codes: ['X'] },
  notFound: { file: 'Dockerfile', codes: ['X'] },
};
function good() {
  return {
    finished: true,
    errors: [],
    steps: {
      extension: { installed: true, active: true, server: { command: '/x/msls', source: 'bundled' } },
      'diagnostics:broken.Dockerfile': { languageId: 'dockerfile', diagnostics: [{ code: 'ParseError', line: 1, source: 'msls', message: 'm' }] },
      hover: { hovers: ['stage deps'] },
      completion: { labels: ['deps'] },
      codeActions: { actions: [{ title: 'Split into stages', kind: 'refactor.rewrite' }] },
      configChange: { before: true, goneAfterDisable: true, backAfterReset: true },
      commands: { registered: ['msls.restart', 'msls.showOutput'], diagnosticsAfterRestart: true },
      notFound: { rejected: true, message: 'msls.server.path is set to "/x"', recovered: true, diagnosticsBack: true },
    },
  };
}

test('a report that has everything passes', () => {
  const r = evaluate(good(), expect);
  assert.deepEqual(r.failures, []);
  assert.ok(r.checks > 8);
});

test('each missing piece is a named failure', () => {
  const cases = [
    [(r) => { r.steps.extension.server.source = 'path'; }, /server came from path/],
    [(r) => { r.steps['diagnostics:broken.Dockerfile'].diagnostics = []; }, /no diagnostics at all/],
    [(r) => { r.steps['diagnostics:broken.Dockerfile'].diagnostics[0].line = 0; }, /ParseError not on line 2/],
    [(r) => { r.steps['diagnostics:broken.Dockerfile'].diagnostics[0].source = 'other'; }, /source other/],
    [(r) => { r.steps['diagnostics:broken.Dockerfile'].languageId = 'plaintext'; }, /languageId plaintext/],
    [(r) => { r.steps.hover.hovers = ['']; }, /hover: empty/],
    [(r) => { r.steps.completion.labels = ['builder', 'deps']; }, /"builder" offered/],
    [(r) => { r.steps.completion.labels = []; }, /no "deps"/],
    [(r) => { r.steps.codeActions.actions = []; }, /none matches/],
    [(r) => { r.steps.configChange.goneAfterDisable = false; }, /still reported/],
    [(r) => { r.errors.push('boom'); }, /driver error: boom/],
    [(r) => { delete r.steps.extension; }, /not installed/],
    [(r) => { r.finished = false; }, /did not finish/],
    [(r) => { r.steps.notFound.rejected = false; }, /did not stop the start/],
    [(r) => { r.steps.notFound.message = 'oops'; }, /does not name the setting/],
    [(r) => { r.steps.notFound.diagnosticsBack = false; }, /did not bring the server back/],
    [(r) => { r.steps.commands.registered = ['msls.restart']; }, /msls.showOutput is not registered/],
    [(r) => { r.steps.commands.diagnosticsAfterRestart = false; }, /after "msls: Restart server"/],
    [(r) => { r.steps.filetypes = { Containerfile: '' }; }, /file type of Containerfile/],
  ];
  for (const [mutate, want] of cases) {
    const r = good();
    mutate(r);
    const { failures } = evaluate(r, expect);
    assert.ok(failures.some((f) => want.test(f)), `${want}: got ${JSON.stringify(failures)}`);
  }
});

test('a fatal report fails outright', () => {
  assert.match(evaluate({ fatal: 'x' }, expect).failures[0], /no usable report: x/);
  assert.equal(evaluate(null, expect).failures.length, 1);
});

test('Neovim renames a stage across files', () => {
  const rt = { file: 'stages.Dockerfile', target: 'compose.yaml', targetContains: 'target: dependencies', fileContains: 'AS dependencies' };
  const ok = () => {
    const r = good();
    delete r.steps.extension;
    r.steps.renameTargets = { referenced: true, fileText: 'FROM x AS dependencies', targetText: '    target: dependencies' };
    return r;
  };
  const e = { ...expect, serverSource: undefined, renameTargets: rt };
  assert.deepEqual(evaluate(ok(), e, { editor: 'neovim' }).failures, []);
  const stale = ok();
  stale.steps.renameTargets.targetText = '    target: deps';
  assert.ok(evaluate(stale, e, { editor: 'neovim' }).failures.some((f) => /compose.yaml lacks/.test(f)));
  const unref = ok();
  unref.steps.renameTargets.referenced = false;
  assert.ok(evaluate(unref, e, { editor: 'neovim' }).failures.some((f) => /never reached/.test(f)));
  // other editors have no such step
  assert.ok(!evaluate(good(), e).failures.some((f) => /rename/.test(f)));
});

test('outside VS Code there is no extension to check', () => {
  const r = good();
  delete r.steps.extension;
  delete r.steps.commands;
  delete r.steps.notFound;
  assert.deepEqual(evaluate(r, { ...expect, serverSource: undefined }, { editor: 'neovim' }).failures, []);
});
