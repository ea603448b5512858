// Bundles the extension (and vscode-languageclient) into dist/extension.js; `--tests` also bundles the
// unit tests, which need no VS Code, into out/test.
import * as esbuild from 'esbuild';
import { readdirSync } from 'fs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const tests = process.argv.includes('--tests');

const common = { bundle: true, platform: 'node', target: 'node18', format: 'cjs', logLevel: 'warning' };
const builds = [
  {
    ...common,
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/extension.js',
    external: ['vscode'],
    minify: production,
    sourcemap: !production,
  },
];
if (tests) {
  builds.push({
    ...common,
    entryPoints: readdirSync('test').filter((f) => f.endsWith('.test.ts')).map((f) => `test/${f}`),
    outdir: 'out/test',
    external: ['vscode'],
  });
}
if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
