// Usage mistakes commander reports in an unhelpful order: it checks required options before
// unknown ones, so `floe node run --dri X` would say "required option '--dir' not specified"
// although the real mistake is the misspelt option. This finds the unknown option first.
import type { Command } from 'commander';

/** The subcommand `args` select (e.g. `node run`), or `program` itself. */
function selectedCommand(program: Command, args: readonly string[]): Command {
  let command = program;
  for (const arg of args) {
    if (arg.startsWith('-')) continue;
    const next = command.commands.find((sub) => sub.name() === arg || sub.aliases().includes(arg));
    if (next === undefined) break;
    command = next;
  }
  return command;
}

function knownFlags(command: Command): Set<string> {
  const flags = new Set<string>();
  for (let current: Command | null = command; current !== null; current = current.parent) {
    for (const option of current.createHelp().visibleOptions(current)) {
      if (option.long !== undefined) flags.add(option.long);
      if (option.short !== undefined) flags.add(option.short);
    }
  }
  return flags;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

export interface UnknownOption {
  readonly flag: string;
  /** The closest known long option, when one is close enough to be a likely typo. */
  readonly suggestion?: string;
}

/**
 * The first option in `args` (user arguments, without node and script) that the selected command
 * does not know, or undefined. Stops at `--`; `--flag=value` is checked by its flag. Short
 * options must be given one at a time (Floe has no combinable short flags).
 */
export function findUnknownOption(program: Command, args: readonly string[]): UnknownOption | undefined {
  const command = selectedCommand(program, args);
  const known = knownFlags(command);
  for (const arg of args) {
    if (arg === '--') break;
    if (!arg.startsWith('-') || arg === '-' || /^-\d/.test(arg)) continue;
    const flag = arg.split('=', 1)[0]!;
    if (known.has(flag)) continue;
    if (!flag.startsWith('--')) return { flag };
    let best: { flag: string; distance: number } | undefined;
    for (const candidate of known) {
      if (!candidate.startsWith('--')) continue;
      const distance = editDistance(flag, candidate);
      if (distance <= 2 && (best === undefined || distance < best.distance)) best = { flag: candidate, distance };
    }
    return best === undefined ? { flag } : { flag, suggestion: best.flag };
  }
  return undefined;
}

/** The one-line message for an unknown option. */
export function unknownOptionMessage(unknown: UnknownOption): string {
  return `unknown option '${unknown.flag}'${unknown.suggestion === undefined ? '' : ` (Did you mean ${unknown.suggestion}?)`}`;
}
