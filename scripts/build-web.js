// Builds the page every node serves at `/` (web/) into dist/web: app.js (the light client, the
// dashboard and the browser's libp2p node) and codec-worker.js (the codec in a Web Worker), each
// one self-contained bundle, plus index.html. Everything the page loads comes from the node: no
// CDN. platform 'browser' refuses Node built-ins, so a client module that reached one fails the
// build; src/client/transport.ts (the Node transport) and src/config/genesis-file.ts (loadGenesis's file
// I/O) are swapped for stubs in web/.
import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'web');
/** Node-only modules of the client's graph and what the page's bundle has instead. */
const STUBS = new Map([
  [join(root, 'src', 'client', 'transport.ts'), join(root, 'web', 'client-transport-stub.ts')],
  [join(root, 'src', 'config', 'genesis-file.ts'), join(root, 'web', 'genesis-file-stub.ts')],
]);

/** Sources import `./x.js` for `./x.ts` (NodeNext); the Node transport becomes the stub. */
const browserSources = {
  name: 'browser-sources',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^\.\.?\/.*\.js$/ }, (args) => {
      if (!args.importer.startsWith(root) || args.importer.includes('node_modules')) return undefined;
      const path = join(args.resolveDir, args.path.replace(/\.js$/, '.ts'));
      return { path: STUBS.get(path) ?? path };
    });
  },
};

await mkdir(out, { recursive: true });
await build({
  entryPoints: { app: join(root, 'web', 'app.ts'), 'codec-worker': join(root, 'web', 'codec-worker.ts') },
  outdir: out,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['chrome110', 'firefox115', 'safari16'],
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
  plugins: [browserSources],
});
await copyFile(join(root, 'web', 'index.html'), join(out, 'index.html'));
console.log(`built web/ -> ${out} (index.html, app.js, codec-worker.js)`);
