#!/usr/bin/env node
// The `prepare` script: `npm run build` unless dist/ is already up to date with the sources.
// npm runs `prepare` on `npm install` and also whenever `npx floe` links this package into npx's
// cache (the first `npx floe` in a checkout); without this check that first call rebuilt
// everything, silently, for a minute. Up to date = dist/.build-stamp (written here after a
// successful build) is newer than every build input; `npm run build` always rebuilds.
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stampPath = join(root, 'dist', '.build-stamp');
const INPUT_DIRS = ['src', 'protocols', 'bench', 'assembly', 'web'];
const INPUT_FILES = ['scripts/build-wasm.js', 'scripts/build-cli.js', 'scripts/build-web.js', 'tsconfig.json', 'tsconfig.build.json'];
/** Written by the build itself (scripts/build-wasm.js), so not an input. */
const GENERATED = /-wasm\.generated\.ts$/;

function mtimeOrUndefined(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

function newestInput() {
  let newest = 0;
  const visit = (path) => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const child = join(path, entry.name);
      if (entry.isDirectory()) visit(child);
      else if (!GENERATED.test(entry.name)) newest = Math.max(newest, statSync(child).mtimeMs);
    }
  };
  for (const dir of INPUT_DIRS) visit(join(root, dir));
  for (const file of INPUT_FILES) newest = Math.max(newest, mtimeOrUndefined(join(root, file)) ?? 0);
  return newest;
}

const stamp = mtimeOrUndefined(stampPath);
if (stamp !== undefined && stamp > newestInput()) {
  console.log('floe: dist/ is up to date (npm run build rebuilds)');
} else {
  const npm = process.env.npm_execpath;
  // Under npm, npm_execpath is npm's own CLI script; run it with this Node.
  if (npm !== undefined) execFileSync(process.execPath, [npm, 'run', 'build'], { cwd: root, stdio: 'inherit' });
  else execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  writeFileSync(stampPath, `${new Date().toISOString()}\n`);
}
