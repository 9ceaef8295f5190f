// Bundles the `floe` CLI for its client commands (store, read, blob-id, ...) into dist/cli: a
// main.js that loads one chunk per command (esbuild code splitting keeps each command's dynamic
// import), plus codec-worker.js beside them for the worker pool. Node's ESM loader spends most of a
// short command's start-up resolving, reading and compiling ~1000 small files of dist/ and
// node_modules; a few large files cost a fraction of that (bench/cli.ts measures it).
// `floe node` and `floe cluster` stay outside the bundle (bin/floe.js runs them from dist/src):
// a long-running node gains nothing from it and finds its assets (web/, openapi/) beside its modules.
// Runs after tsc (it bundles dist/src, the compiled JavaScript).
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'dist', 'src');
const out = join(root, 'dist', 'cli');
/** Command modules left out of the bundle, imported from dist/src if the bundled CLI is ever asked for them. */
const UNBUNDLED_COMMANDS = /^\.\/commands\/(node|cluster)\.js$/;

const unbundledCommands = {
  name: 'unbundled-commands',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: UNBUNDLED_COMMANDS }, (args) => ({ path: `../src/cli/${args.path.slice(2)}`, external: true }));
  },
};

await rm(out, { recursive: true, force: true });
await build({
  entryPoints: { main: join(source, 'cli', 'main.js'), 'codec-worker': join(source, 'workers', 'codec-worker.js') },
  outdir: out,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Whitespace and syntax only: identifiers (class names, error names) stay as written.
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  logLevel: 'warning',
  // Some dependencies are CommonJS and require() Node built-ins.
  banner: { js: "import { createRequire as floeCreateRequire } from 'node:module'; const require = floeCreateRequire(import.meta.url);" },
  plugins: [unbundledCommands],
});
console.log(`built the CLI bundle -> ${out}`);
