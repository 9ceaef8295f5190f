// The compiled CLI as a user runs it: a process of its own (bin/floe.js, so `npm run build`
// first), without the FLOE_* settings of the test's own environment, which would point it at
// another network, wallet, owner key or capacity.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FLOE_BIN = join(fileURLToPath(new URL('../../', import.meta.url)), 'bin', 'floe.js');

export interface CliRun {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Resolves with the exit code and output whatever the code; rejects only when the process could not run or timed out. */
export function runFloeCli(args: readonly string[], options: { cwd: string; timeoutMs: number }): Promise<CliRun> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('FLOE_')));
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [FLOE_BIN, ...args], { cwd: options.cwd, env, encoding: 'utf8', timeout: options.timeoutMs }, (error, stdout, stderr) => {
      if (error === null) return resolve({ exitCode: 0, stdout, stderr });
      if (typeof error.code === 'number') return resolve({ exitCode: error.code, stdout, stderr });
      reject(error);
    });
  });
}

/**
 * After a test of a `floe cluster up` cluster, whatever failed: `cluster down` when DIR still has
 * a cluster.json, then SIGKILL to every pid the test saw that still runs a node of DIR (a pid may
 * have been reused since, so on Linux only one whose command line names DIR).
 */
export async function stopCliCluster(clusterDir: string, pids: Iterable<number>, options: { downTimeoutMs: number }): Promise<void> {
  if (clusterDir === '') return;
  if (existsSync(join(clusterDir, 'cluster.json'))) {
    await runFloeCli(['cluster', 'down', '--dir', clusterDir, '--timeout', String(options.downTimeoutMs)], {
      cwd: dirname(clusterDir),
      timeoutMs: options.downTimeoutMs + 60_000,
    }).catch(() => undefined);
  }
  for (const pid of pids) {
    try {
      if (process.platform === 'linux' && !readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(clusterDir)) continue;
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
}
