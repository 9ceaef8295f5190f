// Enforces the layer rules of DESIGN.md section 2 on every import in src/ and protocols/.
// The RULES table is the single statement of those rules (README.md "Architecture" mirrors it):
// to change what a layer may use, change the table, and say why in the commit.
import { type Dirent, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const LAYERS = [
  'core',
  'crypto',
  'encoding',
  'challenges',
  'workers',
  'storage',
  'config',
  'membership',
  'ledger',
  'protocols',
  'network',
  'client',
  'node',
  'cluster',
  'testbed',
  'cli',
  'entry',
] as const;
type Layer = (typeof LAYERS)[number];

/** Where each layer lives, relative to the repository root. `entry` is files directly in src/. */
const LAYER_ROOTS: Record<Layer, string> = {
  core: 'src/core',
  crypto: 'src/crypto',
  encoding: 'src/encoding',
  challenges: 'src/challenges',
  workers: 'src/workers',
  storage: 'src/storage',
  config: 'src/config',
  membership: 'src/membership',
  ledger: 'src/ledger',
  protocols: 'protocols',
  network: 'src/network',
  client: 'src/client',
  node: 'src/node',
  cluster: 'src/cluster',
  testbed: 'src/testbed',
  cli: 'src/cli',
  entry: 'src',
};

interface LayerRule {
  /** Other layers this layer may import (its own files are always allowed). */
  readonly layers: readonly Layer[];
  /** Node built-in modules it may import, in `node:` form; 'any' for layers that do I/O. */
  readonly builtins: 'any' | readonly string[];
  /** Whether it may import the libp2p stack (libp2p, @libp2p/*, @chainsafe/libp2p-*). */
  readonly libp2p: boolean;
}

// Pure layers (core, crypto, encoding) take no built-ins at all: no fs, net, timers, worker
// threads; so they run unchanged in workers and browsers. core is pure because encoding imports it.
// Nobody lists `cli`: only bin/floe.js (outside src/) may load it.
const RULES: Record<Layer, LayerRule> = {
  core: { layers: [], builtins: [], libp2p: false },
  crypto: { layers: ['core'], builtins: [], libp2p: false },
  encoding: { layers: ['core', 'crypto'], builtins: [], libp2p: false },
  // Storage challenges (sampling, proofs, signed results, scores): pure like encoding, but it
  // parses and uses libp2p Ed25519 keys (@libp2p/crypto, @libp2p/peer-id) for the signed results.
  challenges: { layers: ['core', 'crypto', 'encoding'], builtins: [], libp2p: true },
  workers: { layers: ['core', 'crypto', 'encoding'], builtins: ['node:worker_threads', 'node:os'], libp2p: false },
  storage: { layers: ['core', 'crypto', 'encoding', 'workers'], builtins: 'any', libp2p: false },
  config: { layers: ['core', 'crypto', 'encoding'], builtins: 'any', libp2p: true },
  // Epochs and assignments: pure (no built-ins, no I/O); libp2p only for keys and peer IDs.
  membership: { layers: ['core', 'crypto', 'encoding', 'config'], builtins: [], libp2p: true },
  // The ledger's state machine, messages and economics: pure like membership; libp2p only for keys and addresses.
  ledger: { layers: ['core', 'crypto'], builtins: [], libp2p: true },
  // Wire code needs stream framing and the protobuf runtime: @libp2p/interface, @libp2p/utils, protons-runtime, uint8arraylist.
  protocols: { layers: ['core', 'crypto', 'encoding', 'challenges', 'ledger'], builtins: 'any', libp2p: true },
  network: { layers: ['core', 'crypto', 'encoding', 'config', 'protocols'], builtins: 'any', libp2p: true },
  // The light client never sees node internals or storage.
  client: {
    layers: ['core', 'crypto', 'encoding', 'workers', 'config', 'membership', 'ledger', 'protocols', 'network'],
    builtins: 'any',
    libp2p: true,
  },
  // The node also acts as a Walrus publisher/aggregator over HTTP, through the light client.
  node: {
    layers: ['core', 'crypto', 'encoding', 'challenges', 'workers', 'storage', 'config', 'membership', 'ledger', 'protocols', 'network', 'client'],
    builtins: 'any',
    libp2p: true,
  },
  // Local cluster management (`floe cluster`): writes genesis and identities, spawns and signals `floe node run` processes; only the CLI uses it.
  cluster: { layers: ['core', 'encoding', 'config', 'node'], builtins: 'any', libp2p: false },
  // The WAN testbed (`floe testbed`): namespaces, links and the delay line around a cluster's nodes.
  testbed: { layers: ['core', 'config', 'cluster'], builtins: 'any', libp2p: false },
  cli: { layers: ['core', 'crypto', 'encoding', 'challenges', 'workers', 'config', 'membership', 'ledger', 'client', 'node', 'cluster', 'testbed'], builtins: 'any', libp2p: true },
  // src/index.ts and friends: the package's public surface re-exports the SDK, never the CLI.
  entry: {
    layers: ['core', 'crypto', 'encoding', 'challenges', 'workers', 'storage', 'config', 'membership', 'ledger', 'protocols', 'network', 'client', 'node'],
    builtins: 'any',
    libp2p: true,
  },
};

const LIBP2P_PACKAGE = /^(?:libp2p|@libp2p\/.+|@chainsafe\/libp2p-.+)$/;
const BARE_BUILTINS = new Set(builtinModules);

interface SourceFile {
  /** Repository-relative path with `/` separators. */
  readonly path: string;
  readonly text: string;
}

interface Violation {
  readonly file: string;
  readonly line: number;
  readonly specifier: string;
  readonly problem: string;
}

type ImportTarget =
  | { kind: 'layer'; layer: Layer }
  | { kind: 'outside'; path: string }
  | { kind: 'builtin'; name: string }
  | { kind: 'package'; name: string };

function layerOf(path: string): Layer | undefined {
  const inDirectory = LAYERS.filter((layer) => layer !== 'entry').find((layer) => path.startsWith(`${LAYER_ROOTS[layer]}/`));
  if (inDirectory !== undefined) return inDirectory;
  return posix.dirname(path) === LAYER_ROOTS.entry ? 'entry' : undefined;
}

function classify(importer: string, specifier: string): ImportTarget {
  if (specifier.startsWith('.')) {
    const target = posix.normalize(posix.join(posix.dirname(importer), specifier));
    const layer = layerOf(target);
    return layer === undefined ? { kind: 'outside', path: target } : { kind: 'layer', layer };
  }
  if (specifier.startsWith('node:')) return { kind: 'builtin', name: specifier.split('/')[0] ?? specifier };
  if (BARE_BUILTINS.has(specifier)) return { kind: 'builtin', name: `node:${specifier.split('/')[0]}` };
  return { kind: 'package', name: specifier };
}

/** Why `layer` may not import `target`, or undefined when it may. */
function ruleBroken(layer: Layer, target: ImportTarget): string | undefined {
  const rule = RULES[layer];
  switch (target.kind) {
    case 'layer':
      if (target.layer === layer || rule.layers.includes(target.layer)) return undefined;
      return `${layer} may not import ${target.layer} (allowed: ${describeList(rule.layers)})`;
    case 'outside':
      return `imports ${target.path}, which is in no layer (only src/ and protocols/ are)`;
    case 'builtin':
      if (rule.builtins === 'any' || rule.builtins.includes(target.name)) return undefined;
      return `${layer} may not import Node built-in ${target.name} (allowed: ${describeList(rule.builtins)})`;
    case 'package':
      if (rule.libp2p || !LIBP2P_PACKAGE.test(target.name)) return undefined;
      return `${layer} may not import libp2p packages`;
  }
}

function describeList(items: readonly string[]): string {
  return items.length === 0 ? 'none' : items.join(', ');
}

/** Checks every static, type-only, re-export and dynamic import of the given files. */
function findViolations(files: readonly SourceFile[]): Violation[] {
  const violations: Violation[] = [];
  for (const file of files) {
    const layer = layerOf(file.path);
    if (layer === undefined) {
      violations.push({ file: file.path, line: 1, specifier: '', problem: 'file is in no layer: add its directory to LAYER_ROOTS and RULES' });
      continue;
    }
    // TypeScript's own scanner: comments and strings that merely contain "import" are ignored.
    for (const { fileName: specifier, pos } of ts.preProcessFile(file.text, true, true).importedFiles) {
      const problem = ruleBroken(layer, classify(file.path, specifier));
      if (problem !== undefined) violations.push({ file: file.path, line: lineAt(file.text, pos), specifier, problem });
    }
  }
  return violations;
}

function lineAt(text: string, position: number): number {
  let line = 1;
  for (let i = 0; i < position; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function formatViolations(violations: readonly Violation[]): string {
  return violations.map((v) => `${v.file}:${v.line} imports '${v.specifier}': ${v.problem}`).join('\n');
}

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** Every .ts/.mts/.cts file under a repository directory (none if it does not exist yet). */
function readSources(directory: string): SourceFile[] {
  const absolute = join(repoRoot, directory);
  let entries: Dirent[];
  try {
    entries = readdirSync(absolute, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return entries.flatMap((entry): SourceFile[] => {
    const path = `${directory}/${entry.name}`;
    if (entry.isDirectory()) return readSources(path);
    if (!entry.isFile() || !/\.[cm]?ts$/.test(entry.name) || entry.name.endsWith('.d.ts')) return [];
    return [{ path, text: readFileSync(join(repoRoot, path), 'utf8') }];
  });
}

describe('import boundaries (DESIGN.md section 2)', () => {
  const sources = [...readSources('src'), ...readSources('protocols')];

  it('finds the sources it is meant to check', () => {
    expect(sources.map((file) => file.path)).toContain('src/encoding/redstuff.ts');
  });

  it('every import in src/ and protocols/ respects its layer', () => {
    const violations = findViolations(sources);
    expect(violations, `layer rules broken:\n${formatViolations(violations)}`).toEqual([]);
  });
});

/**
 * Layer pairs allowed only from named files: the node reaches the light client only in its
 * publisher/aggregator role; helpers and error types both need live in core.
 */
const ONLY_FROM: readonly { readonly from: Layer; readonly to: Layer; readonly files: readonly string[] }[] = [
  { from: 'node', to: 'client', files: ['src/node/publisher.ts'] },
];

function narrowedImports(files: readonly SourceFile[]): Violation[] {
  const violations: Violation[] = [];
  for (const file of files) {
    const layer = layerOf(file.path);
    for (const { fileName: specifier, pos } of ts.preProcessFile(file.text, true, true).importedFiles) {
      const target = classify(file.path, specifier);
      if (target.kind !== 'layer') continue;
      const rule = ONLY_FROM.find((entry) => entry.from === layer && entry.to === target.layer);
      if (rule !== undefined && !rule.files.includes(file.path)) {
        violations.push({ file: file.path, line: lineAt(file.text, pos), specifier, problem: `${rule.from} may import ${rule.to} only from ${rule.files.join(', ')}` });
      }
    }
  }
  return violations;
}

describe('imports allowed only from named files', () => {
  const sources = readSources('src');

  it('src/node uses the light client only as its publisher', () => {
    const violations = narrowedImports(sources);
    expect(violations, `narrowed imports broken:\n${formatViolations(violations)}`).toEqual([]);
  });

  it('reports a node file other than the publisher importing the client', () => {
    const broken: SourceFile[] = [{ path: 'src/node/bad-helper.ts', text: "import { sleep } from '../client/util.js';\n" }];
    expect(formatViolations(narrowedImports(broken))).toBe(
      "src/node/bad-helper.ts:1 imports '../client/util.js': node may import client only from src/node/publisher.ts",
    );
  });
});

/** Decision modules the node only adapts: no libp2p, no built-in, nothing from the node. */
const PURE_MODULES = [
  'src/membership/agreement.ts',
  'src/membership/epoch-duties.ts',
  'src/membership/sync-done-book.ts',
  'src/membership/vote-subjects.ts',
  'src/challenges/score-votes.ts',
  'src/challenges/result-book.ts',
  'src/challenges/timing.ts',
  'src/core/async.ts',
  'src/core/logger.ts',
];

describe('pure decision modules', () => {
  const sources = readSources('src');

  it('exist and import no libp2p package, no Node built-in and no I/O layer', () => {
    const problems: string[] = [];
    for (const path of PURE_MODULES) {
      const file = sources.find((source) => source.path === path);
      if (file === undefined) {
        problems.push(`${path} is missing`);
        continue;
      }
      for (const { fileName: specifier } of ts.preProcessFile(file.text, true, true).importedFiles) {
        const target = classify(path, specifier);
        const io = target.kind === 'layer' && !['core', 'crypto', 'encoding', 'config', 'membership', 'challenges'].includes(target.layer);
        if (target.kind === 'builtin' || (target.kind === 'package' && LIBP2P_PACKAGE.test(target.name)) || io) problems.push(`${path} imports ${specifier}`);
      }
    }
    expect(problems).toEqual([]);
  });
});

/**
 * Modules that do no I/O although their layer may: the blob service's record and write-memory
 * decisions, the in-memory store and the checks every store shares, the store's interface and the
 * sliver check. No Node built-in, no libp2p package (types of other layers are fine).
 */
const NO_IO_MODULES = [
  'src/node/blob-records.ts',
  'src/node/blob-write-tracker.ts',
  'src/node/migration-progress.ts',
  'src/storage/blob-store-types.ts',
  'src/storage/memory-blob-store.ts',
  'src/storage/store-checks.ts',
  'src/encoding/sliver-check.ts',
];

describe('modules without I/O', () => {
  const sources = readSources('src');

  it('exist and import no Node built-in and no libp2p package', () => {
    const problems: string[] = [];
    for (const path of NO_IO_MODULES) {
      const file = sources.find((source) => source.path === path);
      if (file === undefined) {
        problems.push(`${path} is missing`);
        continue;
      }
      for (const { fileName: specifier } of ts.preProcessFile(file.text, true, true).importedFiles) {
        const target = classify(path, specifier);
        if (target.kind === 'builtin' || (target.kind === 'package' && LIBP2P_PACKAGE.test(target.name))) problems.push(`${path} imports ${specifier}`);
      }
    }
    expect(problems).toEqual([]);
  });
});

describe('the boundary checker itself', () => {
  it('reports each kind of violation, with file, line and rule', () => {
    const broken: SourceFile[] = [
      { path: 'src/encoding/bad-io.ts', text: "// import 'node:net' in a comment is fine\nimport { readFile } from 'node:fs/promises';\n" },
      { path: 'src/crypto/bad-net.ts', text: "import 'timers';\nimport { createLibp2p } from 'libp2p';\nimport { noise } from '@chainsafe/libp2p-noise';\n" },
      { path: 'src/core/bad-upward.ts', text: "export {\n  maxBlobSize,\n} from '../encoding/parameters.js';\n" },
      { path: 'src/client/bad-internals.ts', text: "import type { Store } from '../storage/store.js';\nconst n = await import('../node/node.js');\n" },
      { path: 'src/node/bad-cli.ts', text: "import { run } from '../cli/main.js';\n" },
      { path: 'src/workers/bad-fs.ts', text: "import { Worker } from 'node:worker_threads';\nimport { readFileSync } from 'node:fs';\n" },
      { path: 'protocols/store/bad-network.ts', text: "import { createNode } from '../../src/network/libp2p.js';\n" },
      { path: 'src/cli/bad-manifest.ts', text: "import manifest from '../../package.json' with { type: 'json' };\n" },
      { path: 'src/mystery/orphan.ts', text: '' },
    ];
    expect(formatViolations(findViolations(broken)).split('\n')).toEqual([
      "src/encoding/bad-io.ts:2 imports 'node:fs/promises': encoding may not import Node built-in node:fs (allowed: none)",
      "src/crypto/bad-net.ts:1 imports 'timers': crypto may not import Node built-in node:timers (allowed: none)",
      "src/crypto/bad-net.ts:2 imports 'libp2p': crypto may not import libp2p packages",
      "src/crypto/bad-net.ts:3 imports '@chainsafe/libp2p-noise': crypto may not import libp2p packages",
      "src/core/bad-upward.ts:3 imports '../encoding/parameters.js': core may not import encoding (allowed: none)",
      "src/client/bad-internals.ts:1 imports '../storage/store.js': client may not import storage (allowed: core, crypto, encoding, workers, config, membership, ledger, protocols, network)",
      "src/client/bad-internals.ts:2 imports '../node/node.js': client may not import node (allowed: core, crypto, encoding, workers, config, membership, ledger, protocols, network)",
      "src/node/bad-cli.ts:1 imports '../cli/main.js': node may not import cli (allowed: core, crypto, encoding, challenges, workers, storage, config, membership, ledger, protocols, network, client)",
      "src/workers/bad-fs.ts:2 imports 'node:fs': workers may not import Node built-in node:fs (allowed: node:worker_threads, node:os)",
      "protocols/store/bad-network.ts:1 imports '../../src/network/libp2p.js': protocols may not import network (allowed: core, crypto, encoding, challenges, ledger)",
      "src/cli/bad-manifest.ts:1 imports '../../package.json': imports package.json, which is in no layer (only src/ and protocols/ are)",
      "src/mystery/orphan.ts:1 imports '': file is in no layer: add its directory to LAYER_ROOTS and RULES",
    ]);
  });

  it('accepts imports the table allows', () => {
    const fine: SourceFile[] = [
      { path: 'src/encoding/ok.ts', text: "import { FloeError } from '../core/errors.js';\nimport { blake2b256 } from '../crypto/blake2b.js';\nconst s = \"import 'node:fs'\";\n" },
      { path: 'src/workers/ok.ts', text: "import { availableParallelism } from 'node:os';\nimport { Worker } from 'worker_threads';\n" },
      { path: 'src/cli/ok.ts', text: "import { Command } from 'commander';\nimport { readFile } from 'node:fs/promises';\nimport { x } from '../node/x.js';\n" },
      { path: 'protocols/read/ok.ts', text: "import type { Stream } from '@libp2p/interface';\nimport { parseBlobId } from '../../src/encoding/blob-id.js';\n" },
      { path: 'src/index.ts', text: "export * from './client/index.js';\n" },
    ];
    expect(findViolations(fine)).toEqual([]);
  });
});

/**
 * The components the epoch manager and the challenge runner assemble depend on each other through
 * narrow interfaces, never on the classes that assemble them or on the node's composition root.
 */
const NODE_COMPONENTS = [
  'src/node/admission.ts',
  'src/node/agreement-driver.ts',
  'src/node/chain-file.ts',
  'src/node/chain-keeper.ts',
  'src/node/membership-gossip.ts',
  'src/node/challenge-params.ts',
  'src/node/challenger.ts',
  'src/node/challenge-gossip.ts',
];
const ASSEMBLERS = ['src/node/epoch-manager.ts', 'src/node/challenge-runner.ts', 'src/node/storage-node.ts', 'src/node/node-assembly.ts'];

describe('node components', () => {
  const sources = readSources('src');

  it('exist and import none of the classes that assemble them', () => {
    const problems: string[] = [];
    for (const path of NODE_COMPONENTS) {
      const file = sources.find((source) => source.path === path);
      if (file === undefined) {
        problems.push(`${path} is missing`);
        continue;
      }
      for (const { fileName: specifier } of ts.preProcessFile(file.text, true, true).importedFiles) {
        const target = specifier.startsWith('.') ? posix.normalize(posix.join(posix.dirname(path), specifier)).replace(/\.js$/, '.ts') : specifier;
        if (ASSEMBLERS.includes(target)) problems.push(`${path} imports ${specifier}`);
      }
    }
    expect(problems).toEqual([]);
  });
});
