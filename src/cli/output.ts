// Where commands write. Commands get a CliOutput instead of touching process.stdout, so results
// (stdout) and diagnostics (stderr) stay separate and scripts can rely on stdout alone.

export interface CliOutput {
  /** One line of result text on stdout. */
  line(text: string): void;
  /** One JSON document on a single stdout line, for `--json`. */
  json(value: unknown): void;
  /** One diagnostic line on stderr, prefixed with the program name. */
  error(text: string): void;
}

export const PROGRAM_NAME = 'floe';

export function processOutput(): CliOutput {
  // A reader that exits early (`floe blob-id … | head -c 4`) closes the pipe; that is not our error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
  return {
    line: (text) => process.stdout.write(`${text}\n`),
    json: (value) => process.stdout.write(`${JSON.stringify(value)}\n`),
    error: (text) => process.stderr.write(`${PROGRAM_NAME}: ${text}\n`),
  };
}
