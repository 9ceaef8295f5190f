// The compiled CLI as a user runs it: a process of its own (bin/floe.js, so `npm run build`
// first), without the FLOE_* settings of the test's own environment, which would point it at
// another network, wallet, owner key or capacity.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
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
