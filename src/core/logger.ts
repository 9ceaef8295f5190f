// Structured logging: one JSON object per line, and child loggers that add their context to every
// line (the component, a peer, an epoch). Services take a LogFn, so tests can pass a plain
// function and the node gives each component a child of its own. Browser-safe.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** The logging surface services depend on. */
export type LogFn = (level: 'info' | 'warn' | 'error', message: string, context?: Record<string, unknown>) => void;

const LEVEL_RANK: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };

/** Drops everything (the default when a caller gives no log). */
export const silentLog: LogFn = () => {};

export interface JsonLinesLogOptions {
  /** Where each line goes (`line` ends in a newline). */
  readonly write: (line: string) => void;
  /** Lines below this level are dropped; info by default. */
  readonly level?: LogLevel;
  /** Fields every line carries. */
  readonly context?: Record<string, unknown>;
  /** The time stamp of a line; ISO wall-clock time by default. */
  readonly now?: () => string;
}

/** A LogFn writing JSON lines: {time, level, message, ...context, ...line context}. */
export function jsonLinesLog(options: JsonLinesLogOptions): LogFn {
  const threshold = LEVEL_RANK[options.level ?? 'info'];
  const now = options.now ?? ((): string => new Date().toISOString());
  const base = options.context ?? {};
  return (level, message, context = {}) => {
    if (LEVEL_RANK[level] > threshold) return;
    options.write(`${JSON.stringify({ time: now(), level, message, ...base, ...context })}\n`);
  };
}

/** A LogFn that adds `context` to every line it passes to `parent` (a line's own fields win). */
export function childLog(parent: LogFn, context: Record<string, unknown>): LogFn {
  return (level, message, lineContext) => parent(level, message, { ...context, ...lineContext });
}
