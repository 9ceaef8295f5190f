#!/usr/bin/env node
// Thin launcher: the polyfills must load before anything that touches libp2p.
await import('../dist/src/core/polyfills.js');
await import('../dist/src/cli/main.js');
