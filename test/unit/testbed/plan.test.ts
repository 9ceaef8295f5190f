import { isPrivate } from '@libp2p/utils';
import { multiaddr } from '@multiformats/multiaddr';
import { describe, expect, it } from 'vitest';
import { TestbedError } from '../../../src/testbed/errors.js';
import { formatRate, parseDurationMs, parseLossPercent, parseRateBitsPerSecond } from '../../../src/testbed/parameters.js';
import {
  CLIENT_ADDRESS,
  delayLineCommand,
  healCommands,
  namespacesOf,
  nodeHubAddress,
  partitionCommands,
  planTestbed,
  setupCommands,
  hubMacAddress,
  neighbourCommand,
  neighbourScripts,
} from '../../../src/testbed/plan.js';

const conditions = { rttMs: 80, lossPercent: 1, rateBitsPerSecond: 1e9 };

describe('testbed link parameters', () => {
  it('parses the CLI forms', () => {
    expect(parseDurationMs('80ms')).toBe(80);
    expect(parseDurationMs('0.2s')).toBe(200);
    expect(parseDurationMs('500us')).toBe(0.5);
    expect(parseDurationMs('40')).toBe(40);
    expect(parseLossPercent('0.5%')).toBe(0.5);
    expect(parseLossPercent('1')).toBe(1);
    expect(parseRateBitsPerSecond('1gbit')).toBe(1e9);
    expect(parseRateBitsPerSecond('100mbit')).toBe(1e8);
    expect(parseRateBitsPerSecond('10mbps')).toBe(8e7);
    expect(formatRate(1e9)).toBe('1gbit');
    expect(formatRate(2.5e8)).toBe('250mbit');
  });

  it('refuses nonsense with a typed error', () => {
    for (const bad of [() => parseDurationMs('fast'), () => parseDurationMs('2h'), () => parseLossPercent('100%'), () => parseLossPercent('-1'), () => parseRateBitsPerSecond('1tbit'), () => parseRateBitsPerSecond('1bit')]) {
      expect(bad).toThrow(TestbedError);
    }
  });
});

describe('testbed plan', () => {
  it('names namespaces after the directory and keeps every address in 198.18.0.0/15 or behind NAT', () => {
    const a = planTestbed('/tmp/a', 3, conditions, [2]);
    const b = planTestbed('/tmp/b', 3, conditions);
    expect(a.id).not.toBe(b.id);
    expect(namespacesOf(a)).toEqual([`floe-${a.id}-client`, `floe-${a.id}-n0`, `floe-${a.id}-n1`, `floe-${a.id}-n2`, `floe-${a.id}-nat2`, `floe-${a.id}-hub`]);
    expect(a.nodes[2]).toMatchObject({ address: '192.168.1.2', natNamespace: `floe-${a.id}-nat2` });
    expect(a.nodes[2]!.publicAddress.startsWith('198.18.')).toBe(true);
    const addresses = new Set(Array.from({ length: 1000 }, (_, index) => nodeHubAddress(index)));
    expect(addresses.size).toBe(1000);
    expect([...addresses].every((address) => /^198\.18\.[1-5]\.\d+$/.test(address) && address !== CLIENT_ADDRESS)).toBe(true);
  });

  it('with public addresses, puts the hub (client, members, NAT routers) in a range libp2p counts as public', () => {
    const plan = planTestbed('/tmp/p', 3, conditions, [2], true);
    expect(plan).toMatchObject({ publicAddresses: true, clientAddress: '11.18.0.2' });
    expect(plan.nodes.map((node) => node.publicAddress)).toEqual(['11.18.1.10', '11.18.1.11', '11.18.101.12']);
    expect(plan.nodes[2]!.address).toBe('192.168.1.2');
    for (const address of [plan.clientAddress!, ...plan.nodes.map((node) => node.publicAddress)]) expect(isPrivate(multiaddr(`/ip4/${address}/tcp/1`))).toBe(false);
    expect(isPrivate(multiaddr(`/ip4/${planTestbed('/tmp/p', 1, conditions).nodes[0]!.address}/tcp/1`))).toBe(true);
    expect(setupCommands(plan).map((command) => command.join(' '))).toContain(`ip -n ${plan.clientNamespace} addr add 11.18.0.2/16 dev eth0`);
  });

  it('only ever runs ip, tc and iptables inside its own namespaces', () => {
    const plan = planTestbed('/tmp/x', 4, conditions, [3]);
    const own = new Set(namespacesOf(plan));
    const neighbours = neighbourScripts(plan).map(({ namespace }) => neighbourCommand(namespace, '/tmp/x/neighbours.batch'));
    for (const command of [...setupCommands(plan), ...neighbours, ...partitionCommands(plan, [1, 2]), ...healCommands(plan)]) {
      if (command[0] === 'ip' && command[1] === 'netns') {
        expect(['add', 'exec']).toContain(command[2]);
        expect(own.has(command[3]!)).toBe(true);
      } else {
        expect(command[0]).toBe('ip');
        expect(command[1]).toBe('-n');
        expect(own.has(command[2]!)).toBe(true);
      }
      // A veth's peer is created straight into a namespace of ours, never on the host.
      const peer = command.indexOf('peer');
      if (peer >= 0) expect(own.has(command[command.indexOf('netns', peer)! + 1]!)).toBe(true);
    }
  });

  it('emulates the conditions: loss, delay queue, rate limit on both ends of every link', () => {
    const plan = planTestbed('/tmp/x', 2, conditions);
    const text = setupCommands(plan).map((command) => command.join(' '));
    expect(text.some((line) => line.includes('--probability 0.010000 -j DROP'))).toBe(true);
    expect(text.some((line) => line.includes('-j NFQUEUE --queue-num 0 --queue-bypass'))).toBe(true);
    expect(text.filter((line) => line.includes('tbf rate 1gbit')).length).toBe(2 * 3);
    expect(delayLineCommand(plan, 'python3', 'SRC').slice(-2)).toEqual(['0', '40']);
    const lossless = setupCommands(planTestbed('/tmp/x', 2, { rttMs: 0, lossPercent: 0, rateBitsPerSecond: 1e8 })).map((command) => command.join(' '));
    expect(lossless.some((line) => line.includes('NFQUEUE') || line.includes('statistic'))).toBe(false);
  });

  it('gives every namespace on the hub a fixed MAC and a permanent neighbour entry for every other one', () => {
    const plan = planTestbed('/tmp/x', 50, conditions, [49]);
    expect(hubMacAddress('198.18.1.10')).toBe('02:f1:c6:12:01:0a');
    const text = setupCommands(plan).map((command) => command.join(' '));
    expect(text).toContain(`ip -n ${plan.nodes[3]!.namespace} link set eth0 address ${hubMacAddress(plan.nodes[3]!.address)}`);
    expect(text).toContain(`ip -n ${plan.nodes[49]!.natNamespace!} link set eth0 address ${hubMacAddress(plan.nodes[49]!.publicAddress)}`);
    const scripts = neighbourScripts(plan);
    // The client, 49 public nodes and one NAT router: each knows the 50 others.
    expect(scripts.map((entry) => entry.namespace)).toEqual([plan.clientNamespace, ...plan.nodes.slice(0, 49).map((node) => node.namespace), plan.nodes[49]!.natNamespace]);
    for (const { script } of scripts) expect(script.trim().split('\n')).toHaveLength(50);
    expect(scripts[1]!.script).toContain(`neigh replace ${plan.nodes[49]!.publicAddress} lladdr ${hubMacAddress(plan.nodes[49]!.publicAddress)} dev eth0 nud permanent\n`);
    expect(scripts[1]!.script).not.toContain(`neigh replace ${plan.nodes[0]!.address} `);
  });

  it('partitions by dropping traffic between the two sides in the hub', () => {
    const plan = planTestbed('/tmp/x', 4, conditions, [3]);
    const text = partitionCommands(plan, [0, 3]).map((command) => command.slice(4).join(' '));
    expect(text).toContain(`iptables-legacy -A FLOE-CUT-FROM -d ${plan.nodes[3]!.publicAddress} -j RETURN`);
    expect(text).toContain(`iptables-legacy -A FLOE-PARTITION -s ${plan.nodes[0]!.publicAddress} -j FLOE-CUT-FROM`);
    expect(text).toContain('iptables-legacy -A FLOE-CUT-TO -j DROP');
  });
});
