#!/usr/bin/env node
// Thin launcher: the polyfills must load before anything that touches libp2p. Client commands run
// from the bundle in dist/cli (scripts/build-cli.js; src/cli/cli-bundle.ts runs it with V8's code
// cache: a short command starts several times faster from one compiled file than from a thousand
// small ones); `floe node` and `floe cluster` (and any command when the bundle is not built) run
// from dist/src.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

await import('../dist/src/core/polyfills.js');
const UNBUNDLED = new Set(['node', 'cluster']);
const positional = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
const command = positional[0] === 'help' ? positional[1] : positional[0];
const bundle = fileURLToPath(new URL('../dist/cli/', import.meta.url));
if (!UNBUNDLED.has(command) && existsSync(`${bundle}manifest.json`)) {
  const { runCliBundle } = await import('../dist/src/cli/cli-bundle.js');
  // exitCode instead of process.exit(): let piped stdout drain before the process ends.
  process.exitCode = await runCliBundle(bundle, command);
} else await import('../dist/src/cli/main.js');
