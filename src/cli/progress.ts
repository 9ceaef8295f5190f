// A tiny progress display: one line on stderr, rewritten in place with `\r`, and only when stderr
// is a terminal. Anywhere else (pipes, files, CI logs, tests) it writes nothing at all, so stdout
// and stderr stay exactly what scripts expect.

/** The part of a stream the renderer needs (process.stderr, or a fake in tests). */
export interface ProgressStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(text: string): unknown;
}

/** Redraws at most this often, so a fast stream of events does not flood the terminal. */
const MIN_REDRAW_MS = 80;
const CLEAR_LINE = '\r\x1b[K';

export class ProgressLine {
  readonly enabled: boolean;
  private last = '';
  private lastDraw = 0;
  private pending: string | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly stream: ProgressStream = process.stderr) {
    this.enabled = stream.isTTY === true;
  }

  /** Shows `text` as the current line (throttled; the latest text always shows in the end). */
  update(text: string): void {
    if (!this.enabled) return;
    const now = performance.now();
    if (now - this.lastDraw >= MIN_REDRAW_MS) {
      this.draw(text);
      return;
    }
    this.pending = text;
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      if (this.pending !== undefined) this.draw(this.pending);
    }, MIN_REDRAW_MS);
    this.timer.unref?.();
  }

  /** Removes the line; `message`, if given, stays on its own line instead. */
  done(message?: string): void {
    if (!this.enabled) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = undefined;
    this.stream.write(CLEAR_LINE);
    this.last = '';
    if (message !== undefined) this.stream.write(`${this.fit(message)}\n`);
  }

  private draw(text: string): void {
    this.pending = undefined;
    this.lastDraw = performance.now();
    const line = this.fit(text);
    if (line === this.last) return;
    this.last = line;
    this.stream.write(`${CLEAR_LINE}${line}`);
  }

  /** A line longer than the terminal would wrap, and `\r` would then only redraw its tail. */
  private fit(text: string): string {
    const columns = this.stream.columns !== undefined && this.stream.columns > 0 ? this.stream.columns : 80;
    const width = columns - 1;
    return text.length > width ? `${text.slice(0, Math.max(0, width - 1))}…` : text;
  }
}

/** `[#######-------------]` for a fraction in [0, 1]. */
export function bar(fraction: number, width = 20): string {
  const clamped = Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0));
  const filled = Math.round(clamped * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
}
