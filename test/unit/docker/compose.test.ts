// docker-compose.yml, the Dockerfile and docker/healthcheck.js, checked without a Docker engine.
// Schema validity is CI's job (`docker-compose -f docker-compose.yml config -q` in .ci/run); this
// checks that the pieces fit together: every node service has its own data volume, the init
// service writes into exactly those volumes, and the genesis bootstrap name is a service.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';
import { afterAll, describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));


interface Service {
  image?: string;
  build?: unknown;
  user?: string;
  entrypoint?: string[];
  command?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test?: string[]; disable?: boolean };
  volumes?: string[];
  ports?: string[];
}

interface ComposeFile {
  version?: unknown;
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
}

describe('docker-compose.yml', () => {
  const compose = yaml.load(readFileSync(join(repoRoot, 'docker-compose.yml'), 'utf8')) as ComposeFile;
  const services = compose?.services ?? {};
  const nodeNames = Object.keys(services).filter((name) => name !== 'init');
  const init = services['init']!;

  it('has an init service, a bootstrap node and storage nodes, all from one image', () => {
    expect(compose.version).toBeUndefined();
    expect(nodeNames[0]).toBe('bootstrap');
    expect(nodeNames.length).toBeGreaterThanOrEqual(3);
    const images = new Set(Object.values(services).map((service) => service.image));
    expect([...images]).toEqual(['floe:local']);
  });

  it('init writes the genesis and one node directory per node service, into their volumes', () => {
    expect(init.entrypoint).toEqual(['sh', '/app/docker/init-cluster.sh']);
    expect(init.user).toBe('root');
    expect(init.healthcheck?.disable).toBe(true);
    const env = init.environment ?? {};
    expect(Number(env['FLOE_NODES'])).toBe(nodeNames.length);
    expect(env['FLOE_BOOTSTRAP_HOST']).toBe('bootstrap');
    expect(env['FLOE_BOOTSTRAP_PORT']).toBe('4001');
    const dir = env['FLOE_CLUSTER_DIR']!;
    expect(init.volumes).toContain(`genesis:${dir}`);
    nodeNames.forEach((name, index) => {
      const dataVolume = dataVolumeOf(services[name]!);
      expect(init.volumes, `${name}'s volume in init`).toContain(`${dataVolume}:${dir}/node-${index}`);
    });
  });

  it('every node has its own data volume, the genesis read-only, fixed ports and a healthcheck', () => {
    const dataVolumes = nodeNames.map((name) => dataVolumeOf(services[name]!));
    expect(new Set(dataVolumes).size).toBe(nodeNames.length);
    for (const name of nodeNames) {
      const service = services[name]!;
      expect(service.volumes, name).toContain('genesis:/cluster:ro');
      expect(service.command).toEqual(['node', 'run', '--dir', '/data']);
      expect(service.environment).toMatchObject({
        FLOE_GENESIS: '/cluster/genesis.json',
        FLOE_HTTP_HOST: '0.0.0.0',
        FLOE_HTTP_PORT: '8080',
      });
      expect(service.environment?.['FLOE_LISTEN']?.split(',')).toContain('/ip4/0.0.0.0/tcp/4001');
      expect(service.healthcheck?.test).toEqual(['CMD', 'node', 'docker/healthcheck.js']);
      expect(service.depends_on?.['init']).toEqual({ condition: 'service_completed_successfully' });
      if (name !== 'bootstrap') expect(service.depends_on?.['bootstrap']).toEqual({ condition: 'service_started' });
    }
    for (const volume of ['genesis', ...dataVolumes]) expect(Object.keys(compose.volumes)).toContain(volume);
  });

  it('the host reaches every node: a published libp2p port each, announced, and the bootstrap in the genesis', () => {
    const hostPorts = new Set<string>();
    for (const name of nodeNames) {
      const service = services[name]!;
      const libp2p = (service.ports ?? []).map((port) => /^127\.0\.0\.1:(\d+):4001$/.exec(port)?.[1]).filter((port) => port !== undefined);
      expect(libp2p, `${name} publishes 4001 on 127.0.0.1`).toHaveLength(1);
      const hostPort = libp2p[0]!;
      hostPorts.add(hostPort);
      // Not a port the containers listen on themselves: a container dialing 127.0.0.1:<it> must be refused.
      expect(['4001', '4002', '8080']).not.toContain(hostPort);
      expect(service.environment?.['FLOE_ANNOUNCE']?.split(',')).toEqual(
        expect.arrayContaining([`/dns4/${name}/tcp/4001`, `/ip4/127.0.0.1/tcp/${hostPort}`]),
      );
      if (name === 'bootstrap') expect(init.environment?.['FLOE_PUBLISHED_PORT']).toBe(hostPort);
    }
    expect(hostPorts.size).toBe(nodeNames.length);
  });

  it('only init builds the image, on the base image FLOE_NODE_IMAGE names (official node image by default)', () => {
    expect(init.build).toEqual({ context: '.', args: { NODE_IMAGE: '${FLOE_NODE_IMAGE:-node:20-bookworm-slim}' } });
    for (const name of nodeNames) expect(services[name]!.build, name).toBeUndefined();
  });
});

function dataVolumeOf(service: Service): string {
  const mount = service.volumes?.find((volume) => volume.endsWith(':/data'));
  if (mount === undefined) throw new Error('no volume at /data');
  return mount.split(':')[0]!;
}

describe('Dockerfile', () => {
  const dockerfile = readFileSync(join(repoRoot, 'Dockerfile'), 'utf8');
  const lines = dockerfile.split('\n').filter((line) => !line.startsWith('#'));

  it('builds with devDependencies and runs with production dependencies only, as a non-root user', () => {
    expect(lines.filter((line) => line.startsWith('FROM '))).toHaveLength(3);
    expect(dockerfile).toMatch(/^RUN npm ci --ignore-scripts/m);
    expect(dockerfile).toMatch(/^RUN npm ci --omit=dev/m);
    expect(lines).toContain('USER node');
    expect(lines).toContain('VOLUME /data');
    expect(lines).toContain('ENTRYPOINT ["node", "bin/floe.js"]');
    expect(dockerfile).toMatch(/^HEALTHCHECK .* CMD \["node", "docker\/healthcheck\.js"\]$/m);
  });

  it('takes its base image as a build argument (official node image by default), without a frontend to fetch', () => {
    expect(lines).toContain('ARG NODE_IMAGE=node:20-bookworm-slim');
    expect(lines.filter((line) => line.startsWith('FROM ')).every((line) => line.startsWith('FROM ${NODE_IMAGE} AS '))).toBe(true);
    expect(dockerfile).not.toMatch(/^# syntax=/m);
  });
});

describe('.dockerignore', () => {
  const patterns = readFileSync(join(repoRoot, '.dockerignore'), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  // Docker's matching (Go filepath.Match plus **): a pattern matches a path or any directory above it.
  const regexes = patterns.map((pattern) => {
    const body = pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*\*\/?/g, '::globstar::')
      .replace(/\*/g, '[^/]*')
      .replace(/\?/g, '[^/]')
      .replace(/::globstar::/g, '(?:.*/)?');
    return new RegExp(`^${body}(?:/.*)?$`);
  });
  const ignored = (path: string): boolean => regexes.some((regex) => regex.test(path));

  it('keeps the committed protons modules and drops the WASM ones the build writes', () => {
    expect(patterns.some((pattern) => !pattern.startsWith('!'))).toBe(true);
    for (const path of ['src/membership/membership.generated.ts', 'protocols/store/store.generated.ts', 'src/cli/main.ts', 'package-lock.json']) {
      expect(ignored(path), path).toBe(false);
    }
    expect(ignored('src/crypto/blake2b-wasm.generated.ts')).toBe(true);
  });

  it('leaves local state out of the build context: cluster directories, node_modules, build output', () => {
    for (const path of ['cluster/node-0/store/x', 'cluster-big/genesis.json', 'node_modules/libp2p/package.json', 'dist/src/index.js', '.floe-bench-cluster-1/x', 'compose-genesis.json']) {
      expect(ignored(path), path).toBe(true);
    }
  });
});

describe('docker/healthcheck.js', () => {
  const script = join(repoRoot, 'docker', 'healthcheck.js');
  const servers: Server[] = [];
  const dirs: string[] = [];

  afterAll(async () => {
    for (const server of servers) server.close();
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  function run(env: Record<string, string>): Promise<{ code: number; stderr: string }> {
    return new Promise((resolve) => {
      execFile(process.execPath, [script], { env: { PATH: process.env['PATH'] ?? '', ...env }, timeout: 10_000 }, (error, _stdout, stderr) => {
        resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stderr });
      });
    });
  }

  async function fakeNode(status: number, body: unknown): Promise<number> {
    const server = createServer((request, response) => {
      response.writeHead(request.url === '/v1/health' ? status : 404, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    return typeof address === 'object' && address !== null ? address.port : 0;
  }

  it('exits 0 when /v1/health says ready (port from FLOE_HTTP_PORT, wildcard host means loopback)', async () => {
    const port = await fakeNode(200, { success: { code: 200, data: { status: 'ready' } } });
    expect(await run({ FLOE_HTTP_PORT: String(port), FLOE_HTTP_HOST: '0.0.0.0' })).toEqual({ code: 0, stderr: '' });
  });

  it('exits 1 with one line when the node is not ready, not answering, or unknown', async () => {
    const stopping = await fakeNode(200, { success: { code: 200, data: { status: 'stopping' } } });
    const broken = await fakeNode(500, { error: 'boom' });
    for (const port of [stopping, broken]) {
      const result = await run({ FLOE_HTTP_PORT: String(port) });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^floe healthcheck: [^\n]+\n$/);
    }
    const closed = await fakeNode(200, {});
    servers.pop()!.close();
    expect((await run({ FLOE_HTTP_PORT: String(closed) })).code).toBe(1);
  });

  it('finds the port in DATA_DIR/node.json when FLOE_HTTP_PORT is 0', async () => {
    const port = await fakeNode(200, { success: { code: 200, data: { status: 'ready' } } });
    const dir = await mkdtemp(join(tmpdir(), 'floe-healthcheck-'));
    dirs.push(dir);
    await writeFile(join(dir, 'node.json'), JSON.stringify({ pid: 1, httpUrl: `http://127.0.0.1:${port}` }));
    expect(await run({ FLOE_HTTP_PORT: '0', FLOE_DATA_DIR: dir })).toEqual({ code: 0, stderr: '' });
    const missing = await run({ FLOE_DATA_DIR: join(dir, 'nothing') });
    expect(missing.code).toBe(1);
  });
});
