# The Floe image: one storage node per container (`floe node run`), and the CLI for everything
# else (the docker-compose `init` service runs `floe cluster genesis` from it).
#
#   docker build -t floe .
#   docker run --rm -v floe-data:/data floe node init --dir /data        # prints the peer ID
#   docker run -d -v floe-data:/data -v $PWD/genesis.json:/genesis.json:ro -e FLOE_GENESIS=/genesis.json \
#     -p 4001:4001 -e FLOE_ANNOUNCE=/ip4/<public IP>/tcp/4001 floe
#
# A whole cluster (bootstrap node + storage nodes): docker-compose.yml.
#
# NODE_IMAGE is any image with Node 20+ and npm on PATH and a `node` user (uid 1000); the default is
# the official one. Without a registry, test/docker/base-image.sh builds a stand-in from Debian:
#   test/docker/base-image.sh floe-base:local && docker build --build-arg NODE_IMAGE=floe-base:local -t floe .
# (No `# syntax=` line: BuildKit would fetch that frontend from a registry.)
#
# The build stage needs devDependencies (TypeScript, AssemblyScript for the WASM kernels); the
# runtime stage gets only the production dependencies and the compiled output.
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` would build before the sources are here. The only dependencies with
# install scripts are dev tools whose scripts the build does not need (esbuild finds its binary
# package without its postinstall; protobufjs under protons).
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY assembly ./assembly
COPY src ./src
COPY protocols ./protocols
COPY bench ./bench
COPY web ./web
RUN npm run build

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    FLOE_LISTEN=/ip4/0.0.0.0/tcp/4001,/ip4/0.0.0.0/tcp/4002/ws \
    FLOE_HTTP_HOST=0.0.0.0 \
    FLOE_HTTP_PORT=8080
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
# The WASM kernels are embedded in dist (base64), so build/*.wasm is not needed at run time.
COPY --from=build /app/dist/src ./dist/src
COPY --from=build /app/dist/protocols ./dist/protocols
# The CLI's client commands (floe store, read, ...) start from this bundle (scripts/build-cli.js).
COPY --from=build /app/dist/cli ./dist/cli
# The page every node serves at / (bundled by scripts/build-web.js).
COPY --from=build /app/dist/web ./dist/web
COPY package.json ./
COPY bin ./bin
COPY docker ./docker
# Walrus's OpenAPI files, served at /v1/api.
COPY openapi ./openapi
# Owned by the unprivileged `node` user (uid 1000) of the base image, so fresh volumes are too.
RUN mkdir -p /data /cluster && chown node:node /data /cluster
USER node
VOLUME /data
# libp2p TCP, libp2p WebSockets (browser clients), HTTP API.
EXPOSE 4001 4002 8080
HEALTHCHECK --interval=10s --timeout=15s --start-period=30s --retries=3 CMD ["node", "docker/healthcheck.js"]
ENTRYPOINT ["node", "bin/floe.js"]
# The node's genesis: /data/genesis.json by default, or FLOE_GENESIS / --network.
CMD ["node", "run", "--dir", "/data"]
