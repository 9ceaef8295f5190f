#!/bin/sh
# The one-shot `init` service of docker-compose.yml: creates every node's identity and the
# genesis that names them (`floe cluster genesis`), once. Later runs keep what is there: a new
# identity would be a new peer and a new genesis a new network.
#
#   FLOE_CLUSTER_DIR         where to write (default /cluster): genesis.json and node-<i>/ (each a volume)
#   FLOE_NODES               node count, bootstrap included (default 4); must match the compose services
#   FLOE_BOOTSTRAP_HOST      DNS name of node 0 on the compose network (default bootstrap)
#   FLOE_BOOTSTRAP_PORT      libp2p TCP port of node 0 (default 4001)
#   FLOE_PUBLISHED_PORT      node 0's libp2p port published on the Docker host (optional): the genesis
#                            then also lists 127.0.0.1:<port>, so the CLI on the host can use it
#   FLOE_NETWORK             network name (default devnet)
#   FLOE_SHARDS              shard count (default: 10 per node, see `floe cluster genesis --help`)
#   FLOE_EPOCH_DURATION_MS   epoch length (default one hour)
set -eu

dir="${FLOE_CLUSTER_DIR:-/cluster}"

if [ -f "$dir/genesis.json" ]; then
  echo "floe init: $dir/genesis.json exists; keeping identities and genesis as they are"
else
  set -- --dir "$dir" \
    --nodes "${FLOE_NODES:-4}" \
    --bootstrap-host "${FLOE_BOOTSTRAP_HOST:-bootstrap}" \
    --port "${FLOE_BOOTSTRAP_PORT:-4001}" \
    --name "${FLOE_NETWORK:-devnet}"
  if [ -n "${FLOE_PUBLISHED_PORT:-}" ]; then set -- "$@" --published-port "$FLOE_PUBLISHED_PORT"; fi
  if [ -n "${FLOE_SHARDS:-}" ]; then set -- "$@" --shards "$FLOE_SHARDS"; fi
  if [ -n "${FLOE_EPOCH_DURATION_MS:-}" ]; then set -- "$@" --epoch-duration "$FLOE_EPOCH_DURATION_MS"; fi
  node /app/bin/floe.js cluster genesis "$@"
fi

# This container runs as root so it can write into fresh volumes; the nodes run as `node`.
if [ "$(id -u)" = 0 ]; then
  chown -R node:node "$dir"
fi
