// The `floe` command as a user starts it (bin/floe.js -> dist/): it loads only the command that
// runs, so the program's help lists every command from a table while `floe help X` and
// `floe X --help` load X; durations are written as people write them (15s, 10m, 1h) or in ms.
// `npm test` builds first; after editing src/, run `npm run build` before running this file alone.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const floeBin = fileURLToPath(new URL('../../bin/floe.js', import.meta.url));

interface CliRun {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

function runFloe(...args: string[]): Promise<CliRun> {
  const env = { ...process.env };
  delete env['FLOE_DEBUG'];
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [floeBin, ...args], { env, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error === null) return resolve({ exitCode: 0, stdout, stderr });
      if (typeof error.code === 'number') return resolve({ exitCode: error.code, stdout, stderr });
      reject(error);
    });
  });
}

let workDir = '';
beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'floe-cli-commands-'));
});
afterAll(async () => {
  if (workDir !== '') await rm(workDir, { recursive: true, force: true });
});

describe('floe loads one command at a time', () => {
  it('--help lists every command with its arguments', async () => {
    const help = await runFloe('--help');
    expect(help.exitCode).toBe(0);
    for (const line of ['blob-id <file>', 'node ', 'cluster ', 'store <file>', 'read <id>', 'status <id>', 'vote <kind> <subject>', 'challenges ']) {
      expect(help.stdout).toContain(line);
    }
  });

  it('`floe help store` and `floe store --help` show the command\'s own options', async () => {
    for (const args of [['help', 'store'], ['store', '--help']]) {
      const help = await runFloe(...args);
      expect(help.exitCode, args.join(' ')).toBe(0);
      expect(help.stdout).toMatch(/Usage: floe store \[options\] <file>[\s\S]*-e, --epochs <n>/);
    }
  });

  it('a mistyped command gets a suggestion', async () => {
    const run = await runFloe('stor');
    expect(run).toMatchObject({ exitCode: 1, stdout: '' });
    expect(run.stderr).toBe("floe: unknown command 'stor' (Did you mean store?)\n");
  });
});

describe('durations', () => {
  it('cluster genesis --epoch-duration 15s writes 15000 ms', async () => {
    const dir = join(workDir, 'g15s');
    const run = await runFloe('cluster', 'genesis', '--dir', dir, '--nodes', '4', '--epoch-duration', '15s', '--json');
    expect(run.exitCode, run.stderr).toBe(0);
    const genesis = JSON.parse(await readFile(join(dir, 'genesis.json'), 'utf8')) as { epochDurationMs: number };
    expect(genesis.epochDurationMs).toBe(15_000);
  });

  it('plain milliseconds still work, and 1h30m too', async () => {
    for (const [text, ms] of [['60000', 60_000], ['1h30m', 5_400_000]] as const) {
      const dir = join(workDir, `g-${text}`);
      const run = await runFloe('cluster', 'genesis', '--dir', dir, '--nodes', '4', '--epoch-duration', text, '--json');
      expect(run.exitCode, run.stderr).toBe(0);
      const genesis = JSON.parse(await readFile(join(dir, 'genesis.json'), 'utf8')) as { epochDurationMs: number };
      expect(genesis.epochDurationMs).toBe(ms);
    }
  });

  it('a text that is no duration, or one too short for an epoch, is refused in one line', async () => {
    const bad = await runFloe('cluster', 'genesis', '--dir', join(workDir, 'bad'), '--epoch-duration', 'soon');
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toMatch(/^floe: option '--epoch-duration <duration>' argument 'soon' is invalid\. 'soon' is not a duration: .*15s, 10m, 1h30m, 2w/);
    const short = await runFloe('cluster', 'genesis', '--dir', join(workDir, 'short'), '--epoch-duration', '500ms');
    expect(short.exitCode).toBe(1);
    expect(short.stderr).toMatch(/must be from 1s to/);
  });
});
