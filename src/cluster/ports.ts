// Ports a node must listen on before anyone can ask it which one it got: node 0 of a local
// cluster (its genesis bootstraps from it) and test nodes at a known address.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';

const LOOPBACK = '127.0.0.1';
/** Linux's default ephemeral range, for systems that do not say theirs. */
const DEFAULT_EPHEMERAL_RANGE: readonly [number, number] = [32_768, 60_999];
/** Below this sit well-known services (databases, dev servers) a random pick should not hit. */
const LOWEST_PICKED_PORT = 10_000;
const PICK_ATTEMPTS = 64;

/**
 * A loopback TCP port that is free now and outside the OS's ephemeral range. A port the OS picked
 * for `listen(0)` and released is handed out again to the next outgoing connection or port-0
 * listener on the machine, often within the second a node takes to start (seen in CI: the
 * bootstrap node failed to listen on its own genesis port). Ports outside the range are never
 * handed out by the OS, only by someone who picks them on purpose, as this does at random.
 */
export async function stablePort(): Promise<number> {
  const candidates = stablePortRanges();
  for (let attempt = 0; attempt < PICK_ATTEMPTS; attempt += 1) {
    const port = randomPortIn(candidates);
    if (port === undefined) break;
    if (await isFreeOnLoopback(port)) return port;
  }
  // Nothing outside the range (or all taken): the OS's pick is still free for the moment.
  const server = await listenOnLoopback(0);
  try {
    return portOf(server);
  } finally {
    await closeServer(server);
  }
}

/** Whether `port` can be bound on loopback right now. */
export async function isFreeOnLoopback(port: number): Promise<boolean> {
  try {
    await closeServer(await listenOnLoopback(port));
    return true;
  } catch {
    return false;
  }
}

export function listenOnLoopback(port: number): Promise<Server> {
  return new Promise((resolveListen, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port, host: LOOPBACK, exclusive: true }, () => resolveListen(server));
  });
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolveClose) => server.close(() => resolveClose()));
}

export function portOf(server: Server): number {
  const address = server.address();
  return typeof address === 'object' && address !== null ? address.port : 0;
}

/** The ranges outside the ephemeral one, from LOWEST_PICKED_PORT to 65535. */
export function stablePortRanges(ephemeral: readonly [number, number] = ephemeralRange()): Array<readonly [number, number]> {
  const [low, high] = ephemeral;
  const ranges: Array<readonly [number, number]> = [];
  if (low - 1 >= LOWEST_PICKED_PORT) ranges.push([LOWEST_PICKED_PORT, low - 1]);
  if (high + 1 <= 65_535) ranges.push([Math.max(high + 1, LOWEST_PICKED_PORT), 65_535]);
  return ranges;
}

function randomPortIn(ranges: ReadonlyArray<readonly [number, number]>): number | undefined {
  const total = ranges.reduce((sum, [low, high]) => sum + (high - low + 1), 0);
  if (total <= 0) return undefined;
  let offset = Math.floor(Math.random() * total);
  for (const [low, high] of ranges) {
    const size = high - low + 1;
    if (offset < size) return low + offset;
    offset -= size;
  }
  return undefined;
}

function ephemeralRange(): readonly [number, number] {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (Number.isSafeInteger(low) && Number.isSafeInteger(high) && low! > 0 && high! >= low!) return [low!, high!];
  } catch {
    // Not Linux: keep the default.
  }
  return DEFAULT_EPHEMERAL_RANGE;
}
