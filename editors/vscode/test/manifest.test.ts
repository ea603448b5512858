// The settings the extension contributes must stay in step with the server: every rule listed in
// package.json has a rule page (docs/rules/<Code>.md), and the keys sent are ones internal/config/ accepts.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { TARGET_FILE_PATTERNS } from '../src/targetpatterns';

const root = path.resolve(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const props = pkg.contributes.configuration.properties;

test('every rule in the settings UI exists in the server', () => {
  const listed = Object.keys(props['msls.rules'].properties);
  assert.ok(listed.length > 0);
  const docs = path.join(root, '..', '..', 'docs', 'rules');
  for (const code of listed) assert.ok(fs.existsSync(path.join(docs, `${code}.md`)), `${code}: no docs/rules/${code}.md`);
});

test('the server-side keys match internal/config/config.go', () => {
  const src = fs.readFileSync(path.join(root, '..', '..', 'internal', 'config', 'config.go'), 'utf8');
  for (const key of ['rules', 'buildkit', 'inlineSuppression']) {
    assert.ok(props[`msls.${key}`], `msls.${key} not contributed`);
    assert.match(src, new RegExp(`case [^\\n]*"${key}"`), `config.go no longer reads ${key}`);
  }
});

test('activation covers the file names users give Dockerfiles', () => {
  const lang = pkg.contributes.languages.find((l: { id: string }) => l.id === 'dockerfile');
  const patterns: string[] = [...(lang.filenames ?? []), ...(lang.filenamePatterns ?? [])];
  for (const p of ['Dockerfile', 'Dockerfile*', '*.Dockerfile', 'Containerfile*']) assert.ok(patterns.includes(p), p);
  assert.ok(pkg.activationEvents.includes('onLanguage:dockerfile'));
});

test('compose and bake file patterns match their names and no other YAML', () => {
  const globToRe = (g: string) => {
    // enough of VS Code's glob syntax for these patterns: **/, *, {a,b}
    let re = '';
    for (let i = 0; i < g.length; i++) {
      const c = g[i];
      if (g.startsWith('**/', i)) {
        re += '(?:.*/)?';
        i += 2;
      } else if (c === '*') re += '[^/]*';
      else if (c === '{') re += '(?:';
      else if (c === '}') re += ')';
      else if (c === ',') re += '|';
      else re += c.replace(/[.+?^$()|[\]\\-]/g, '\\$&');
    }
    return new RegExp('^' + re + '$');
  };
  const res = TARGET_FILE_PATTERNS.map(globToRe);
  const matches = (p: string) => res.some((r: RegExp) => r.test(p));
  for (const p of ['compose.yaml', 'a/docker-compose.yml', 'compose.override.yaml', 'docker-compose.prod.yml', 'dev.compose.yaml', 'docker-bake.hcl', 'x/docker-bake.override.hcl', 'docker-bake.json', 'ci.bake.hcl']) {
    assert.ok(matches(p), p);
  }
  for (const p of ['values.yaml', 'composer.yaml', 'package.json', 'main.tf', 'Dockerfile', 'config.yml']) {
    assert.ok(!matches(p), p);
  }
});
