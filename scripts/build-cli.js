// Bundles the `floe` CLI for its client commands (store, read, blob-id, ...) into dist/cli:
// floe-cli.cjs (one CommonJS file, entry src/cli/program.ts), floe-program.cjs (the program without
// its commands, for `floe --help` and `--version`), codec-worker.js beside them for the worker
// pool, and manifest.json (the bundles' file names and a hash of their content). Node's ESM loader
// spends most of a short command's start-up resolving, reading and compiling ~1000 small files of
// dist/ and node_modules; one file costs a fraction of that, and as CommonJS it can be compiled
// with V8's code cache (src/cli/cli-bundle.ts, which bin/floe.js runs it with), which takes most
// of the rest away. Each command's modules still run only when it is the one run (the dynamic
// import per command stays a lazy initialiser in the bundle).
// `floe node` and `floe cluster` stay outside the bundle (bin/floe.js runs them from dist/src):
// a long-running node gains nothing from it and finds its assets (web/, openapi/) beside its modules.
// Runs after tsc (it bundles dist/src, the compiled JavaScript).
import { createHash } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'dist', 'src');
const out = join(root, 'dist', 'cli');
const COMMANDS_BUNDLE = 'floe-cli.cjs';
const PROGRAM_BUNDLE = 'floe-program.cjs';
/** Command modules left out of the bundle, imported from dist/src if the bundled CLI is ever asked for them. */
const UNBUNDLED_COMMANDS = /^\.\/commands\/(node|cluster)\.js$/;

const unbundledCommands = {
  name: 'unbundled-commands',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: UNBUNDLED_COMMANDS }, (args) => ({ path: `../src/cli/${args.path.slice(2)}`, external: true }));
  },
};

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  // Whitespace and syntax only: identifiers (class names, error names) stay as written.
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  logLevel: 'warning',
};

/** Every command module left out: for `floe --help` and `--version`, which load none. */
const allCommandsOut = {
  name: 'all-commands-out',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^\.\/commands\/[a-z-]+\.js$/ }, (args) => ({ path: `../src/cli/${args.path.slice(2)}`, external: true }));
  },
};

/** One CommonJS bundle of program.js, not written yet. */
async function bundleProgram(file, plugin) {
  const result = await build({
    ...common,
    entryPoints: [join(source, 'cli', 'program.js')],
    outfile: join(out, file),
    format: 'cjs',
    write: false,
    // Modules find files beside them (the worker, package.json) from import.meta.url: in the
    // bundle, the bundle's own URL, as it was for the chunks of the ES module bundle.
    define: { 'import.meta.url': 'floeBundleUrl' },
    banner: { js: "var floeBundleUrl = require('node:url').pathToFileURL(__filename).href;" },
    plugins: [plugin],
  });
  return result.outputFiles[0];
}

await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });
// The client commands, and the program alone (a tenth of the size) for a command line that names
// no command.
const bundles = { commands: await bundleProgram(COMMANDS_BUNDLE, unbundledCommands), program: await bundleProgram(PROGRAM_BUNDLE, allCommandsOut) };
const hash = createHash('sha256');
let ascii = true;
for (const bundle of Object.values(bundles)) {
  await writeFile(bundle.path, bundle.contents);
  hash.update(bundle.contents);
  // esbuild escapes non-ASCII characters except in regular expressions (write them as \uXXXX):
  // an ASCII bundle is read as Latin-1 into a one-byte string, a bundle with one µ becomes a
  // two-byte string of twice the size (its read and compile took twice as long).
  const nonAscii = bundle.contents.findIndex((byte) => byte > 0x7f);
  if (nonAscii !== -1) {
    ascii = false;
    const line = bundle.text.slice(0, bundle.text.indexOf('\n', nonAscii)).split('\n').length;
    console.warn(`warning: the CLI bundle is not ASCII (line ${line} of ${bundle.path}): it loads more slowly`);
  }
}
const id = hash.digest('hex').slice(0, 16);
await writeFile(join(out, 'manifest.json'), `${JSON.stringify({ id, ascii, commands: COMMANDS_BUNDLE, program: PROGRAM_BUNDLE })}\n`);
await build({
  ...common,
  entryPoints: [join(source, 'workers', 'codec-worker.js')],
  outfile: join(out, 'codec-worker.js'),
  format: 'esm',
  // Some dependencies are CommonJS and require() Node built-ins.
  banner: { js: "import { createRequire as floeCreateRequire } from 'node:module'; const require = floeCreateRequire(import.meta.url);" },
});
console.log(`built the CLI bundle -> ${out}`);
