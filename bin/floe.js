#!/usr/bin/env node
// Thin launcher: the polyfills must load before anything that touches libp2p. Client commands run
// from the bundle in dist/cli (scripts/build-cli.js: a short command starts several times faster
// from a few large files than from a thousand small ones); `floe node` and `floe cluster` (and
// any command when the bundle is not built) run from dist/src.
import { existsSync } from 'node:fs';

await import('../dist/src/core/polyfills.js');
const UNBUNDLED = new Set(['node', 'cluster']);
const positional = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
const command = positional[0] === 'help' ? positional[1] : positional[0];
const bundle = new URL('../dist/cli/main.js', import.meta.url);
if (!UNBUNDLED.has(command) && existsSync(bundle)) await import(bundle.href);
else await import('../dist/src/cli/main.js');
