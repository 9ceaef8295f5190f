// Before `npm test`: the browser test drives a real Chromium. When none is there and we run as root
// on Debian (our machines, CI), install Debian's package, so that a fresh clone needs nothing but
// `npm install` and `npm test`; elsewhere say what to do (the test itself then fails with that line).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const wanted = process.env['FLOE_CHROMIUM'] ?? '/usr/bin/chromium';
if (existsSync(wanted)) process.exit(0);

const hint = `no Chromium at ${wanted}: install Debian's (apt-get install chromium) or set FLOE_CHROMIUM to a Chrome or Chromium binary`;
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (process.env['FLOE_CHROMIUM'] !== undefined || !isRoot || !existsSync('/usr/bin/apt-get')) {
  console.warn(`ensure-chromium: ${hint}; the browser test will fail`);
  process.exit(0);
}

console.log('ensure-chromium: installing Debian\'s chromium for the browser test (apt-get, about a minute)');
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
for (const args of [['update', '-qq'], ['install', '-y', '-qq', '--no-install-recommends', 'chromium']]) {
  const run = spawnSync('apt-get', args, { stdio: 'inherit', env });
  if (run.status !== 0) {
    console.warn(`ensure-chromium: apt-get ${args.join(' ')} failed (exit ${run.status}); ${hint}`);
    process.exit(0);
  }
}
