#!/usr/bin/env node
// usage: judge.mjs REPORT EXPECT LABEL EDITOR
// Prints what the editor saw, each failed check, and one summary line "LABEL: PASS|FAIL ..."; exit 1 on failure.
import { existsSync, readFileSync } from 'fs';
import { evaluate } from './evaluate.mjs';

const [reportFile, expectFile, label, editor] = process.argv.slice(2);
const expect = JSON.parse(readFileSync(expectFile, 'utf8'));
let report = null;
try { report = JSON.parse(readFileSync(reportFile, 'utf8')); } catch (e) {
  report = { fatal: existsSync(reportFile) ? `unreadable report: ${e.message}` : `no report at ${reportFile}` };
}
export function describe(report, log) {
  const steps = (report && report.steps) || {};
  for (const [k, v] of Object.entries(steps)) {
    if (k.startsWith('diagnostics:')) log(`${k.slice(12)}: ${(v.diagnostics || []).map((d) => `${d.line + 1}:${d.code}`).join(' ')}`);
  }
  if (steps.hover) log(`hover: ${JSON.stringify(steps.hover.hovers.join(' ').slice(0, 100))}`);
  if (steps.completion) log(`completion: ${steps.completion.labels.slice(0, 10).join(', ')}`);
  if (steps.codeActions) log(`code actions: ${steps.codeActions.actions.map((a) => a.title).join(' | ')}`);
  if (steps.configChange) log(`live config: ${JSON.stringify(steps.configChange)}`);
}
const log = (s) => console.log(`[${label}] ${s}`);
describe(report, log);
const { failures, checks } = evaluate(report, expect, { editor });
for (const f of failures) log(`FAIL ${f}`);
const who = (report && report.editor) || editor;
if (failures.length) {
  console.log(`${label}: FAIL ${failures.length} of ${checks} checks failed (${who}; report: ${reportFile})`);
  process.exit(1);
}
console.log(`${label}: PASS ${checks} checks (${who})`);
