// The light client must stay browser-ready: nothing it loads may import a Node built-in,
// except its transport factory (src/client/transport.ts: the libp2p TCP node and the worker-thread
// codec), which a browser build replaces. This walks the runtime import graph from
// src/client/index.ts: static imports and re-exports, not `import type` / `export type` (erased);
// modules reached only through the transport factory are not checked. Dynamic imports load only
// when called, so they are not followed, but each must be on LAZY_NODE_ONLY.
import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ENTRY = 'src/client/index.ts';
/** The one client module allowed to reach Node built-ins (a browser build swaps it). */
const TRANSPORT_FACTORY = 'src/client/transport.ts';
/** Dynamic imports allowed in the client's graph: Node-only code that runs only when called. */
const LAZY_NODE_ONLY: Readonly<Record<string, readonly string[]>> = {
  // loadGenesis / writeGenesis: a browser parses a fetched genesis with parseGenesis instead.
  'src/config/genesis.ts': ['./genesis-file.js'],
};

const BUILTINS = new Set(builtinModules);

interface ModuleImports {
  /** Runtime static imports and re-exports, as written. */
  readonly imports: { specifier: string; line: number }[];
  readonly dynamic: { specifier: string; line: number }[];
}

/** Runtime imports of one module, from TypeScript's AST (comments and strings are not imports). */
function importsOf(path: string, text: string): ModuleImports {
  const source = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
  const imports: ModuleImports['imports'] = [];
  const dynamic: ModuleImports['dynamic'] = [];
  const lineOf = (node: ts.Node): number => source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
  for (const statement of source.statements) {
    // With verbatimModuleSyntax only whole `import type` / `export type` declarations are erased;
    // `import { type A } from 'x'` still loads x.
    if (ts.isImportDeclaration(statement) && statement.importClause?.isTypeOnly !== true && ts.isStringLiteral(statement.moduleSpecifier)) {
      imports.push({ specifier: statement.moduleSpecifier.text, line: lineOf(statement) });
    } else if (ts.isExportDeclaration(statement) && !statement.isTypeOnly && statement.moduleSpecifier !== undefined && ts.isStringLiteral(statement.moduleSpecifier)) {
      imports.push({ specifier: statement.moduleSpecifier.text, line: lineOf(statement) });
    } else if (
      ts.isImportEqualsDeclaration(statement) &&
      !statement.isTypeOnly &&
      ts.isExternalModuleReference(statement.moduleReference) &&
      ts.isStringLiteral(statement.moduleReference.expression)
    ) {
      imports.push({ specifier: statement.moduleReference.expression.text, line: lineOf(statement) });
    }
  }
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [argument] = node.arguments;
      dynamic.push({ specifier: argument !== undefined && ts.isStringLiteralLike(argument) ? argument.text : '<computed>', line: lineOf(node) });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { imports, dynamic };
}

function isBuiltin(specifier: string): boolean {
  return specifier.startsWith('node:') || BUILTINS.has(specifier) || BUILTINS.has(specifier.split('/')[0] ?? specifier);
}

/**
 * A repository-relative `.ts` path for a relative specifier (`./x.js` -> `dir/x.ts`), or undefined
 * for a WASM kernel module not generated yet (`*.generated.ts`: base64 and glue, pure by construction).
 */
function resolveRelative(importer: string, specifier: string, exists: (path: string) => boolean): string | undefined {
  const target = posix.normalize(posix.join(posix.dirname(importer), specifier));
  const candidates = [target.replace(/\.js$/, '.ts'), target, `${target}.ts`, `${target}/index.ts`];
  const found = candidates.find(exists);
  if (found === undefined && /\.generated\.js$/.test(specifier)) return undefined;
  if (found === undefined) throw new Error(`${importer} imports '${specifier}', which resolves to no file (tried ${candidates.join(', ')})`);
  return found;
}

interface GraphReport {
  /** Every module loaded by importing the entry, minus the transport factory's own subtree. */
  readonly checked: readonly string[];
  readonly violations: readonly string[];
}

/**
 * Walks the runtime graph from `entry` (breadth-first, so each module's recorded route is a
 * shortest one) without entering `stopAt`, and reports each Node built-in import with its route.
 */
function checkGraph(entry: string, stopAt: string, read: (path: string) => string | undefined): GraphReport {
  const exists = (path: string): boolean => read(path) !== undefined;
  const routeTo = new Map<string, string[]>([[entry, [entry]]]);
  const queue = [entry];
  const violations: string[] = [];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    const module = next;
    const route = routeTo.get(module)!;
    const { imports, dynamic } = importsOf(module, read(module)!);
    for (const { specifier, line } of imports) {
      if (isBuiltin(specifier)) {
        violations.push(`${module}:${line} imports Node built-in '${specifier}' (loaded via ${route.join(' -> ')})`);
        continue;
      }
      if (!specifier.startsWith('.')) continue; // packages: libp2p and friends ship their own browser builds
      const target = resolveRelative(module, specifier, exists);
      if (target === undefined || target === stopAt || routeTo.has(target)) continue;
      routeTo.set(target, [...route, target]);
      queue.push(target);
    }
    for (const { specifier, line } of dynamic) {
      if (!(LAZY_NODE_ONLY[module] ?? []).includes(specifier)) {
        violations.push(`${module}:${line} has a dynamic import('${specifier}') not listed in LAZY_NODE_ONLY (loaded via ${route.join(' -> ')})`);
      }
    }
  }
  return { checked: [...routeTo.keys()], violations };
}

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

function readRepoFile(path: string): string | undefined {
  const absolute = join(repoRoot, path);
  return existsSync(absolute) ? readFileSync(absolute, 'utf8') : undefined;
}

describe('the light client is browser-ready', () => {
  const report = checkGraph(ENTRY, TRANSPORT_FACTORY, readRepoFile);

  it('walks the whole client graph, up to the transport factory', () => {
    // The flows, their protocol clients and the pure layers they stand on are all checked.
    expect(report.checked).toEqual(
      expect.arrayContaining([
        'src/client/client.ts',
        'src/client/store.ts',
        'src/client/read.ts',
        'src/client/codec.ts',
        'src/config/genesis.ts',
        'src/network/protocol-ids.ts',
        'src/encoding/redstuff.ts',
        'protocols/read/request.ts',
      ]),
    );
    expect(report.checked).not.toContain(TRANSPORT_FACTORY);
    // Proof the stop is what excludes them: these are reached only through the factory.
    expect(report.checked).not.toContain('src/network/libp2p.ts');
    expect(report.checked).not.toContain('src/workers/codec-pool.ts');
    expect(readRepoFile(TRANSPORT_FACTORY)).toMatch(/from '\.\.\/workers\/codec-pool\.js'/);
  });

  it('no module outside the transport factory imports a Node built-in', () => {
    expect(report.violations, `Node built-ins in the light client's import graph:\n${report.violations.join('\n')}`).toEqual([]);
  });
});

describe('the browser-readiness checker itself', () => {
  const files: Record<string, string> = {
    'src/client/index.ts': "export { Client } from './client.js';\nexport type * from './types.js';\n",
    'src/client/client.ts':
      "import type { Stats } from 'node:fs';\nimport { make } from './transport.js';\nimport { helper } from '../core/helper.js';\n// import 'node:net' in a comment is not an import\nconst s = \"import 'node:os'\";\nexport class Client {}\n",
    'src/client/types.ts': "import { readFile } from 'node:fs/promises';\n",
    'src/client/transport.ts': "import { Worker } from 'node:worker_threads';\nimport { createNode } from '../network/node.js';\n",
    'src/network/node.ts': "import { createServer } from 'node:net';\n",
    'src/core/helper.ts': "export { x } from './deep.js';\nimport { type T } from '../config/config.js';\n",
    'src/core/deep.ts': "import os from 'os';\nimport { join } from 'path/posix';\nconst lazy = () => import('./later.js');\n",
    'src/config/config.ts': "import * as fs from 'fs';\n",
  };
  const read = (path: string): string | undefined => files[path];

  it('reports static built-in imports and unlisted dynamic imports outside the factory, with their route', () => {
    expect(checkGraph('src/client/index.ts', 'src/client/transport.ts', read).violations).toEqual([
      "src/core/deep.ts:1 imports Node built-in 'os' (loaded via src/client/index.ts -> src/client/client.ts -> src/core/helper.ts -> src/core/deep.ts)",
      "src/core/deep.ts:2 imports Node built-in 'path/posix' (loaded via src/client/index.ts -> src/client/client.ts -> src/core/helper.ts -> src/core/deep.ts)",
      "src/core/deep.ts:3 has a dynamic import('./later.js') not listed in LAZY_NODE_ONLY (loaded via src/client/index.ts -> src/client/client.ts -> src/core/helper.ts -> src/core/deep.ts)",
      "src/config/config.ts:1 imports Node built-in 'fs' (loaded via src/client/index.ts -> src/client/client.ts -> src/core/helper.ts -> src/config/config.ts)",
    ]);
  });

  it('catches a built-in added to a module of the real graph', () => {
    const clean = checkGraph(ENTRY, TRANSPORT_FACTORY, readRepoFile);
    const withRegression = (path: string): string | undefined =>
      path === 'src/client/util.ts' ? `import { setTimeout } from 'node:timers/promises';\n${readRepoFile(path)!}` : readRepoFile(path);
    const broken = checkGraph(ENTRY, TRANSPORT_FACTORY, withRegression);
    expect(broken.violations.length).toBe(clean.violations.length + 1);
    expect(broken.violations.join('\n')).toMatch(/^src\/client\/util\.ts:1 imports Node built-in 'node:timers\/promises' \(loaded via src\/client\/index\.ts -> /m);
  });
});
