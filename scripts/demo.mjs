#!/usr/bin/env node
// `npm run demo`: Floe's main job on a fresh machine, end to end, through the `floe` command exactly
// as a user runs it (child processes of `node bin/floe.js`):
//
//   floe cluster up --nodes 4 --dir <tmp>/cluster     four storage nodes on loopback
//   floe store <1 MiB random file> --json             encode, upload, certificate
//   floe read <blob ID> -o <copy>                     verified read back, compared byte for byte
//   floe status <blob ID>                             certified, epochs, shards holding it
//   floe cluster down --dir <tmp>/cluster             always, also after a failure or Ctrl-C
//
// Exits 0 when the copy is byte-identical, 1 otherwise. Needs the build (`npm install` runs it).
import { Buffer } from 'node:buffer';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../', import.meta.url));
const floeBin = join(repoRoot, 'bin', 'floe.js');
const NODES = 4;
const BLOB_SIZE = 1024 * 1024;

/** Set on Ctrl-C / SIGTERM: no new step starts, the running one is stopped, only cleanup runs. */
let stopping = false;
const running = new Set();

const say = (text = '') => process.stdout.write(`${text}\n`);
const indent = (text) => text.trimEnd().split('\n').map((line) => `    ${line}`).join('\n');
const seconds = (ms) => `${(ms / 1000).toFixed(2)} s`;

/**
 * Runs `floe ARGS…`, shows the command line, and resolves with its stdout (stderr, where progress and
 * errors go, passes straight through to ours). Rejects when it exits non-zero.
 */
function floe(args, { cleanup = false } = {}) {
  if (stopping && !cleanup) return Promise.reject(new Error('interrupted'));
  say(`$ floe ${args.join(' ')}`);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [floeBin, ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] });
    if (!cleanup) {
      running.add(child);
      child.on('close', () => running.delete(child));
    }
    const chunks = [];
    child.stdout.on('data', (chunk) => chunks.push(chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const stdout = Buffer.concat(chunks).toString('utf8');
      const ms = performance.now() - started;
      if (code === 0) resolve({ stdout, ms });
      else reject(new Error(`floe ${args[0]} ${signal !== null ? `was killed by ${signal}` : `exited with status ${code}`}`));
    });
  });
}

async function main() {
  if (!existsSync(join(repoRoot, 'dist', 'src', 'cli', 'main.js'))) {
    throw new Error('the CLI is not built: run `npm install` (or `npm run build`) first');
  }
  const root = await mkdtemp(join(tmpdir(), 'floe-demo-'));
  const clusterDir = join(root, 'cluster');
  let clusterStarted = false;
  let ok = false;
  let cleaning;
  const cleanup = async () => {
    cleaning ??= (async () => {
      if (clusterStarted || existsSync(join(clusterDir, 'cluster.json'))) {
        say();
        try {
          const down = await floe(['cluster', 'down', '--dir', clusterDir], { cleanup: true });
          say(indent(down.stdout));
        } catch (error) {
          say(`demo: could not stop the cluster: ${error.message}; stop it with: node bin/floe.js cluster down --dir ${clusterDir}`);
          return;
        }
      }
      if (ok) await rm(root, { recursive: true, force: true });
      else say(`demo: files kept for inspection in ${root} (node logs: ${clusterDir}/node-<i>/node.log)`);
    })();
    return cleaning;
  };
  const interrupted = (signal) => {
    stopping = true;
    say(`\ndemo: ${signal}, stopping the cluster…`);
    // The running step stops too (a terminal's Ctrl-C reaches it anyway; a `kill` of ours does not).
    for (const child of running) child.kill('SIGTERM');
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);

  try {
    say(`Floe demo: a ${NODES}-node local cluster, one ${BLOB_SIZE / 1024 / 1024} MiB blob stored and read back (work dir ${root})`);
    say();
    clusterStarted = true; // from here on, `cluster down` runs whatever happens
    const up = await floe(['cluster', 'up', '--nodes', String(NODES), '--dir', clusterDir]);
    say(indent(up.stdout));
    say();

    const file = join(root, 'random.bin');
    const blob = randomBytes(BLOB_SIZE);
    await writeFile(file, blob);
    say(`wrote ${BLOB_SIZE} random bytes to ${file}`);
    const stored = await floe(['store', file, '--network', clusterDir, '--json']);
    const report = JSON.parse(stored.stdout);
    const { blobId, certificate, timings } = report;
    say(indent(stored.stdout));
    say(`    blob ID ${blobId}`);
    say(
      `    certified in epoch ${certificate.epoch} (stored until epoch ${certificate.endEpoch}) by ${certificate.signers} nodes owning ` +
        `${certificate.signedShards} of ${report.nShards} shards; ${report.unencodedLength} bytes encoded to ${report.encodedLength}`,
    );
    say(
      `    timings: connect ${timings.connectMs} ms, encode ${timings.encodeMs} ms, upload + confirmations ${timings.uploadMs} ms, ` +
        `command total ${timings.totalMs} ms (process ${seconds(stored.ms)})`,
    );
    say();

    const copy = join(root, 'copy.bin');
    const read = await floe(['read', blobId, '--network', clusterDir, '-o', copy]);
    const back = await readFile(copy);
    const identical = back.equals(blob);
    say(`    read ${back.length} bytes in ${seconds(read.ms)}: ${identical ? 'byte-identical to the original' : 'DIFFERENT from the original'}`);
    say();

    const status = await floe(['status', blobId, '--network', clusterDir]);
    say(indent(status.stdout));

    if (!identical) throw new Error('the blob read back differs from the file that was stored');
    ok = true;
    say();
    say(`demo: OK: stored ${blobId} on ${NODES} nodes and read it back byte-identical (store ${seconds(stored.ms)}, read ${seconds(read.ms)})`);
  } catch (error) {
    if (!stopping) {
      say();
      say(`demo: FAILED: ${error.message}`);
    }
  } finally {
    await cleanup();
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
  }
  return ok;
}

main().then(
  (ok) => {
    process.exitCode = ok ? 0 : 1;
  },
  (error) => {
    process.stderr.write(`demo: ${error.message}\n`);
    process.exitCode = 1;
  },
);
