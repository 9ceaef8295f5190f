// The testbed's topology as data: namespace names, addresses and the exact commands that build,
// partition and heal it. Pure (no I/O), so every command line is tested without root.
//
//            ┌──────────── hub namespace ────────────┐
//   node i ──┤ veth ── br0 (iptables FORWARD: loss,  ├── client namespace
//   (own ns) │         partition, NFQUEUE delay line)│
//   NAT k  ──┤ veth ── router ns (masquerade) ── veth ── node k (private 192.168.1.2)
//            └───────────────────────────────────────┘
//
// The hub's addresses are in 198.18.0.0/16 (RFC 2544, reserved for benchmarking, never routed), or
// with public addresses in 11.18.0.0/16, which libp2p counts as public (DCUtR and AutoNAT ignore
// private ranges); 192.168.1.0/24 behind each NAT. All of it lives in namespaces the testbed
// creates, and the hub has no uplink: the host's own interfaces, routes and firewall are never
// touched, and no packet leaves the namespaces.
import { createHash } from 'node:crypto';
import type { LinkConditions } from './parameters.js';
import { formatRate } from './parameters.js';

/** A command line: argv[0] is the program. */
export type Command = readonly string[];

export const HUB_SUBNET_PREFIX = 16;
/** The hub's /16: private (benchmarking range) by default, or one libp2p counts as public. */
export const PRIVATE_HUB_NETWORK = '198.18';
export const PUBLIC_HUB_NETWORK = '11.18';
export const CLIENT_ADDRESS = `${PRIVATE_HUB_NETWORK}.0.2`;
/** libp2p (TCP and WebSockets) and HTTP ports of every node: each node has its own namespace, so all use the same. */
export const NODE_LIBP2P_PORT = 4001;
export const NODE_WEBSOCKET_PORT = 4002;
export const NODE_HTTP_PORT = 8080;
/** The private side of every NAT: like a home network, the same range behind every router. */
export const NAT_PRIVATE_ROUTER = '192.168.1.1';
export const NAT_PRIVATE_NODE = '192.168.1.2';
const NAT_PRIVATE_PREFIX = 24;
/** The NFQUEUE number of the delay line in the hub namespace. */
export const DELAY_QUEUE = 0;
/** The iptables chain in the hub that holds the partition's DROP rules. */
export const PARTITION_CHAIN = 'FLOE-PARTITION';
const CUT_FROM_CHAIN = 'FLOE-CUT-FROM';
const CUT_TO_CHAIN = 'FLOE-CUT-TO';
/** iptables in its legacy (x_tables) form: the nf_tables form needs kernel modules (nft queue) that many kernels lack. */
export const IPTABLES = 'iptables-legacy';

export interface TestbedNodePlan {
  readonly index: number;
  readonly namespace: string;
  /** Where the node listens (its own interface; behind NAT the private address). */
  readonly address: string;
  /** Where other namespaces see its packets come from (the router's address behind NAT). */
  readonly publicAddress: string;
  /** Namespace of the masquerading router in front of it, for a node behind NAT. */
  readonly natNamespace?: string;
}

export interface TestbedPlan {
  /** Short hash of the directory: names this testbed's namespaces, so two testbeds never clash. */
  readonly id: string;
  readonly hubNamespace: string;
  readonly clientNamespace: string;
  /** The client namespace's address on the hub (absent in files of older testbeds: CLIENT_ADDRESS). */
  readonly clientAddress?: string;
  /** Whether the hub's addresses are ones libp2p counts as public (PUBLIC_HUB_NETWORK). */
  readonly publicAddresses?: boolean;
  readonly nodes: readonly TestbedNodePlan[];
  readonly conditions: LinkConditions;
}

/** Namespace names start with this, so `ip netns` lists show what belongs to Floe. */
export const NAMESPACE_PREFIX = 'floe-';

export function testbedId(absoluteDir: string): string {
  return createHash('sha256').update(absoluteDir).digest('hex').slice(0, 8);
}

/** Node i's address on the hub: 198.18.1.10 … (200 per /24, so up to 1000 nodes stay in 198.18.1-5.x). */
export function nodeHubAddress(index: number, network = PRIVATE_HUB_NETWORK): string {
  return `${network}.${1 + Math.floor(index / 200)}.${10 + (index % 200)}`;
}

/** The public (hub) address of the NAT router in front of node i. */
export function natRouterAddress(index: number, network = PRIVATE_HUB_NETWORK): string {
  return `${network}.${101 + Math.floor(index / 200)}.${10 + (index % 200)}`;
}

/**
 * The plan of a testbed: `natNodes` are the indices of nodes put behind NAT (never node 0, the
 * bootstrap, which must be publicly reachable); `publicAddresses` takes the hub's addresses from
 * PUBLIC_HUB_NETWORK.
 */
export function planTestbed(
  absoluteDir: string,
  nodes: number,
  conditions: LinkConditions,
  natNodes: readonly number[] = [],
  publicAddresses = false,
): TestbedPlan {
  const id = testbedId(absoluteDir);
  const name = (suffix: string): string => `${NAMESPACE_PREFIX}${id}-${suffix}`;
  const nat = new Set(natNodes);
  const network = publicAddresses ? PUBLIC_HUB_NETWORK : PRIVATE_HUB_NETWORK;
  return {
    id,
    hubNamespace: name('hub'),
    clientNamespace: name('client'),
    clientAddress: `${network}.0.2`,
    publicAddresses,
    conditions,
    nodes: Array.from({ length: nodes }, (_, index) =>
      nat.has(index)
        ? { index, namespace: name(`n${index}`), address: NAT_PRIVATE_NODE, publicAddress: natRouterAddress(index, network), natNamespace: name(`nat${index}`) }
        : { index, namespace: name(`n${index}`), address: nodeHubAddress(index, network), publicAddress: nodeHubAddress(index, network) },
    ),
  };
}

/** Every namespace of the plan, the hub last (it is created first and removed last). */
export function namespacesOf(plan: TestbedPlan): string[] {
  return [
    plan.clientNamespace,
    ...plan.nodes.flatMap((node) => (node.natNamespace === undefined ? [node.namespace] : [node.namespace, node.natNamespace])),
    plan.hubNamespace,
  ];
}

function inNamespace(namespace: string, command: Command): Command {
  return ['ip', 'netns', 'exec', namespace, ...command];
}

/**
 * tbf on an interface's egress: the rate limit. The bucket holds 10 ms of traffic (at least 128 KiB,
 * so the 64 KiB segments of a veth pass whole), and the queue at most 100 ms, like a router.
 */
function rateLimit(namespace: string, device: string, conditions: LinkConditions): Command {
  const burstBytes = Math.max(128 * 1024, Math.round(conditions.rateBitsPerSecond / 8 / 100));
  return ['ip', 'netns', 'exec', namespace, 'tc', 'qdisc', 'replace', 'dev', device, 'root', 'tbf', 'rate', formatRate(conditions.rateBitsPerSecond), 'burst', String(burstBytes), 'latency', '100ms'];
}

/**
 * The MAC of the hub-side interface (eth0) of the namespace at hub address `address`: locally
 * administered (02:…), then the address's four bytes, so every namespace can know every other's.
 */
export function hubMacAddress(address: string): string {
  return ['02', 'f1', ...address.split('.').map((byte) => Number(byte).toString(16).padStart(2, '0'))].join(':');
}

/** A veth from the hub bridge into `namespace`, named `eth0` there, with its address and rate limits. */
function hubLink(plan: TestbedPlan, namespace: string, port: string, address: string): Command[] {
  const hub = plan.hubNamespace;
  return [
    ['ip', '-n', hub, 'link', 'add', port, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', namespace],
    ['ip', '-n', hub, 'link', 'set', port, 'master', 'br0', 'up'],
    ['ip', '-n', namespace, 'link', 'set', 'eth0', 'address', hubMacAddress(address)],
    ['ip', '-n', namespace, 'addr', 'add', `${address}/${HUB_SUBNET_PREFIX}`, 'dev', 'eth0'],
    ['ip', '-n', namespace, 'link', 'set', 'eth0', 'up'],
    rateLimit(hub, port, plan.conditions),
    rateLimit(namespace, 'eth0', plan.conditions),
  ];
}

/**
 * The commands that build the network (run in order; `ip netns add` of every namespace first).
 * The delay line itself (a process) is started separately: `delayLineCommand`.
 */
export function setupCommands(plan: TestbedPlan): Command[] {
  const hub = plan.hubNamespace;
  const commands: Command[] = namespacesOf(plan)
    .reverse()
    .flatMap((namespace) => [
      ['ip', 'netns', 'add', namespace],
      ['ip', '-n', namespace, 'link', 'set', 'lo', 'up'],
    ]);
  commands.push(
    ['ip', '-n', hub, 'link', 'add', 'br0', 'type', 'bridge'],
    ['ip', '-n', hub, 'link', 'set', 'br0', 'up'],
    // Bridged IPv4 goes through the hub's iptables FORWARD chain: loss, partition and delay live there.
    inNamespace(hub, ['sysctl', '-q', '-w', 'net.bridge.bridge-nf-call-iptables=1']),
    inNamespace(hub, [IPTABLES, '-N', PARTITION_CHAIN]),
    inNamespace(hub, [IPTABLES, '-A', 'FORWARD', '-j', PARTITION_CHAIN]),
  );
  if (plan.conditions.lossPercent > 0) {
    const probability = (plan.conditions.lossPercent / 100).toFixed(6);
    commands.push(inNamespace(hub, [IPTABLES, '-A', 'FORWARD', '-m', 'statistic', '--mode', 'random', '--probability', probability, '-j', 'DROP']));
  }
  if (plan.conditions.rttMs > 0) {
    // --queue-bypass: should the delay line die, packets pass undelayed instead of being dropped.
    commands.push(inNamespace(hub, [IPTABLES, '-A', 'FORWARD', '-j', 'NFQUEUE', '--queue-num', String(DELAY_QUEUE), '--queue-bypass']));
  }
  commands.push(...hubLink(plan, plan.clientNamespace, 'client', plan.clientAddress ?? CLIENT_ADDRESS));
  for (const node of plan.nodes) {
    if (node.natNamespace === undefined) {
      commands.push(...hubLink(plan, node.namespace, `p${node.index}`, node.address));
      continue;
    }
    const router = node.natNamespace;
    commands.push(
      ...hubLink(plan, router, `p${node.index}`, node.publicAddress),
      ['ip', '-n', router, 'link', 'add', 'lan0', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', node.namespace],
      ['ip', '-n', router, 'addr', 'add', `${NAT_PRIVATE_ROUTER}/${NAT_PRIVATE_PREFIX}`, 'dev', 'lan0'],
      ['ip', '-n', router, 'link', 'set', 'lan0', 'up'],
      ['ip', '-n', node.namespace, 'addr', 'add', `${node.address}/${NAT_PRIVATE_PREFIX}`, 'dev', 'eth0'],
      ['ip', '-n', node.namespace, 'link', 'set', 'eth0', 'up'],
      ['ip', '-n', node.namespace, 'route', 'add', 'default', 'via', NAT_PRIVATE_ROUTER],
      inNamespace(router, ['sysctl', '-q', '-w', 'net.ipv4.ip_forward=1']),
      // A home router: everything from the LAN leaves under the router's address, nothing comes in
      // unless it answers a connection the node opened.
      inNamespace(router, [IPTABLES, '-t', 'nat', '-A', 'POSTROUTING', '-s', `${NAT_PRIVATE_NODE}/32`, '-o', 'eth0', '-j', 'MASQUERADE']),
      inNamespace(router, [IPTABLES, '-A', 'FORWARD', '-i', 'eth0', '-o', 'lan0', '-m', 'conntrack', '--ctstate', 'ESTABLISHED,RELATED', '-j', 'ACCEPT']),
      // Only the HTTP API is forwarded (so the testbed and operators can watch the node); libp2p
      // has to find its own way in (relay, hole punching).
      inNamespace(router, [IPTABLES, '-t', 'nat', '-A', 'PREROUTING', '-i', 'eth0', '-p', 'tcp', '--dport', String(NODE_HTTP_PORT), '-j', 'DNAT', '--to-destination', `${NAT_PRIVATE_NODE}:${NODE_HTTP_PORT}`]),
      inNamespace(router, [IPTABLES, '-A', 'FORWARD', '-i', 'eth0', '-o', 'lan0', '-p', 'tcp', '--dport', String(NODE_HTTP_PORT), '-j', 'ACCEPT']),
      inNamespace(router, [IPTABLES, '-A', 'FORWARD', '-i', 'eth0', '-o', 'lan0', '-j', 'DROP']),
    );
  }
  return commands;
}

/**
 * Every namespace on the hub gets a permanent neighbour (ARP) entry for every other one, as an
 * `ip -batch` script. The kernel keeps one neighbour table for all namespaces and stops resolving
 * new neighbours past net.ipv4.neigh.default.gc_thresh3 learnt entries (1024 by default, settable
 * only on the host): a full mesh of 50 namespaces needs about 2500, so beyond 30 nodes connections
 * hung in SYN-SENT ("neighbor table overflow" in the kernel log) and the swarm never came up.
 * Permanent entries do not count against that limit, and the host is not touched.
 */
export function neighbourScripts(plan: TestbedPlan): { namespace: string; script: string }[] {
  const endpoints = [
    { namespace: plan.clientNamespace, address: plan.clientAddress ?? CLIENT_ADDRESS },
    ...plan.nodes.map((node) => ({ namespace: node.natNamespace ?? node.namespace, address: node.publicAddress })),
  ];
  return endpoints.map((self) => ({
    namespace: self.namespace,
    script: endpoints
      .filter((other) => other.namespace !== self.namespace)
      .map((other) => `neigh replace ${other.address} lladdr ${hubMacAddress(other.address)} dev eth0 nud permanent\n`)
      .join(''),
  }));
}

/** The command that runs a neighbourScripts script saved at `path` in `namespace`. */
export function neighbourCommand(namespace: string, path: string): Command {
  return ['ip', '-n', namespace, '-batch', path];
}

/** The process that delays every packet crossing the hub by half the RTT (see delay-line.ts). */
export function delayLineCommand(plan: TestbedPlan, python: string, source: string): Command {
  return inNamespace(plan.hubNamespace, [python, '-c', source, String(DELAY_QUEUE), String(plan.conditions.rttMs / 2)]);
}

/**
 * Cuts `side` (node indices) off from every other namespace, client included: packets between the
 * two sides are dropped in the hub, so open connections stall exactly as on a real network. Run
 * `healCommands` first (an earlier partition's chains must go).
 */
export function partitionCommands(plan: TestbedPlan, side: readonly number[]): Command[] {
  const hub = plan.hubNamespace;
  const addresses = [...new Set(side)].map((index) => plan.nodes[index]!.publicAddress);
  const commands: Command[] = [inNamespace(hub, [IPTABLES, '-N', CUT_FROM_CHAIN]), inNamespace(hub, [IPTABLES, '-N', CUT_TO_CHAIN])];
  for (const address of addresses) {
    commands.push(
      inNamespace(hub, [IPTABLES, '-A', CUT_FROM_CHAIN, '-d', address, '-j', 'RETURN']),
      inNamespace(hub, [IPTABLES, '-A', CUT_TO_CHAIN, '-s', address, '-j', 'RETURN']),
    );
  }
  commands.push(inNamespace(hub, [IPTABLES, '-A', CUT_FROM_CHAIN, '-j', 'DROP']), inNamespace(hub, [IPTABLES, '-A', CUT_TO_CHAIN, '-j', 'DROP']));
  for (const address of addresses) {
    commands.push(
      inNamespace(hub, [IPTABLES, '-A', PARTITION_CHAIN, '-s', address, '-j', CUT_FROM_CHAIN]),
      inNamespace(hub, [IPTABLES, '-A', PARTITION_CHAIN, '-d', address, '-j', CUT_TO_CHAIN]),
    );
  }
  return commands;
}

/** Removes any partition. The `-X` of a chain that does not exist fails harmlessly: run these with failures ignored. */
export function healCommands(plan: TestbedPlan): Command[] {
  const hub = plan.hubNamespace;
  return [
    inNamespace(hub, [IPTABLES, '-F', PARTITION_CHAIN]),
    inNamespace(hub, [IPTABLES, '-F', CUT_FROM_CHAIN]),
    inNamespace(hub, [IPTABLES, '-X', CUT_FROM_CHAIN]),
    inNamespace(hub, [IPTABLES, '-F', CUT_TO_CHAIN]),
    inNamespace(hub, [IPTABLES, '-X', CUT_TO_CHAIN]),
  ];
}

/** argv prefix that runs a program inside node i's namespace (or the client's: index 'client'). */
export function execPrefix(plan: TestbedPlan, target: number | 'client'): Command {
  return ['ip', 'netns', 'exec', target === 'client' ? plan.clientNamespace : plan.nodes[target]!.namespace];
}
