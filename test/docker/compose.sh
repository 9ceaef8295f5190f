#!/usr/bin/env bash
# The docker-compose cluster for real, as a user on the Docker host would use it: build the image,
# `docker-compose up`, store and read a file with the `floe` CLI on the host (through the published
# libp2p ports and the cluster's genesis), check /v1/health and /metrics of every node, restart a
# storage node and read again, `docker-compose down -v`. Prints how long each step took.
#
#   test/docker/compose.sh        # as root; needs docker, docker-compose, mmdebstrap (CI installs
#                                 # them) and a built checkout (dist/, from `npm ci`)
#
# Nothing is cached between runs: the base image (test/docker/base-image.sh: no image registry is
# reachable from CI) and the Floe image (floe:local, the tag docker-compose.yml uses) are built from
# scratch and removed at the end. Starts dockerd when none is running and then stops it again. One
# run at a time (fixed host ports 8080-8083, 4101-4104).
set -euo pipefail

cd "$(dirname "$0")/../.."
root="$PWD"
project="floe-ci-$$"
base_image="floe-base:ci-$$"
work="$(mktemp -d)"
started_dockerd=''
compose=(docker-compose -p "$project" -f "$root/docker-compose.yml")
floe=(node "$root/bin/floe.js")
services=(bootstrap node1 node2 node3)
http_ports=(8080 8081 8082 8083)

# Deadlines, not attempt counts: on a busy machine every `docker` call is slow too.
UP_DEADLINE_S=600
RESTART_DEADLINE_S=300

# Waits until every service named is healthy or the deadline passes; returns 1 then.
wait_healthy() {
  local deadline=$((SECONDS + $1)) service id healthy
  shift
  while :; do
    healthy=0
    for service in "$@"; do
      id="$("${compose[@]}" ps -q "$service")"
      [ "$(docker inspect --format '{{.State.Health.Status}}' "$id" 2>/dev/null)" = healthy ] && healthy=$((healthy + 1))
    done
    [ "$healthy" = "$#" ] && return 0
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 2
  done
}

step_started=0
step() {
  step_started=$(date +%s%N)
  echo "== $*"
}
took() {
  awk -v label="$1" -v ns="$(($(date +%s%N) - step_started))" 'BEGIN { printf "   %s: %.1f s\n", label, ns / 1e9 }'
}
fail() {
  echo "compose test FAILED: $*" >&2
  "${compose[@]}" ps >&2 || true
  "${compose[@]}" logs --no-color --tail 20 >&2 || true
  exit 1
}

cleanup() {
  local status=$?
  set +e
  if docker info >/dev/null 2>&1; then
    "${compose[@]}" down -v --remove-orphans >/dev/null 2>&1
    docker rmi -f floe:local "$base_image" >/dev/null 2>&1
    docker image prune -f >/dev/null 2>&1
  fi
  if [ -n "$started_dockerd" ]; then
    kill "$started_dockerd" 2>/dev/null
    for _ in $(seq 1 30); do kill -0 "$started_dockerd" 2>/dev/null || break; sleep 1; done
    echo "== dockerd stopped"
  fi
  rm -rf "$work"
  exit $status
}
trap cleanup EXIT

if ! docker info >/dev/null 2>&1; then
  step "starting dockerd"
  dockerd >"$work/dockerd.log" 2>&1 &
  started_dockerd=$!
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
  docker info >/dev/null 2>&1 || { tail -20 "$work/dockerd.log" >&2; fail "dockerd did not start"; }
  took "dockerd up"
fi

step "base image (Debian bookworm, essential packages, + this machine's node)"
test/docker/base-image.sh "$base_image"
took "base image"

step "docker-compose build (the Floe image, FROM $base_image)"
FLOE_NODE_IMAGE="$base_image" "${compose[@]}" build --no-cache --force-rm init >"$work/build.log" 2>&1 || {
  tail -40 "$work/build.log" >&2
  fail "image build"
}
took "image build"

step "docker-compose up -d, then wait until every node is healthy"
"${compose[@]}" up -d --no-build >"$work/up.log" 2>&1 || { cat "$work/up.log" >&2; fail "docker-compose up"; }
wait_healthy "$UP_DEADLINE_S" "${services[@]}" || fail "not every node became healthy within $UP_DEADLINE_S s"
took "cluster up (4 nodes healthy)"

step "the genesis for the host, then store 1 MiB from the host CLI"
"${compose[@]}" exec -T bootstrap cat /cluster/genesis.json >"$work/compose-genesis.json"
grep -q '/ip4/127.0.0.1/tcp/4101/p2p/' "$work/compose-genesis.json" || fail "the genesis does not list the published bootstrap port"
head -c 1048576 /dev/urandom >"$work/file.bin"
blob_id="$("${floe[@]}" store "$work/file.bin" --network "$work/compose-genesis.json" -e 2)"
echo "   stored blob $blob_id"
took "store 1 MiB from the host"
step "read it back from the host CLI"
"${floe[@]}" read "$blob_id" -o "$work/copy.bin" --network "$work/compose-genesis.json"
cmp "$work/file.bin" "$work/copy.bin" || fail "the copy read from the cluster differs"
"${floe[@]}" status "$blob_id" --network "$work/compose-genesis.json" | sed 's/^/   /'
took "read 1 MiB from the host"

step "health and metrics of every node"
for index in "${!services[@]}"; do
  port="${http_ports[$index]}"
  health="$(curl -fsS "http://127.0.0.1:$port/v1/health")" || fail "${services[$index]}: no /v1/health"
  grep -q '"status":"ready"' <<<"$health" || fail "${services[$index]} is not ready: $health"
  grep -q '"blobs":1' <<<"$health" || fail "${services[$index]} does not hold the blob: $health"
  metrics="$(curl -fsS "http://127.0.0.1:$port/metrics")" || fail "${services[$index]}: no /metrics"
  grep -q '^floe_' <<<"$metrics" || fail "${services[$index]}: no floe_ metrics"
done
echo "   4 nodes ready, each holding the blob, each serving floe_* metrics"
took "health + metrics"

step "restart node2, read again"
"${compose[@]}" restart node2 >/dev/null 2>&1
wait_healthy "$RESTART_DEADLINE_S" node2 || fail "node2 is not healthy within $RESTART_DEADLINE_S s of its restart"
grep -q '"blobs":1' <<<"$(curl -fsS http://127.0.0.1:8082/v1/health)" || fail "node2 lost the blob in its restart"
rm -f "$work/copy.bin"
"${floe[@]}" read "$blob_id" -o "$work/copy.bin" --network "$work/compose-genesis.json"
cmp "$work/file.bin" "$work/copy.bin" || fail "the copy read after the restart differs"
took "restart + healthy + read"

step "logs: one JSON object per line on every node's stdout"
for service in "${services[@]}"; do
  bad="$(docker logs "$("${compose[@]}" ps -q "$service")" 2>/dev/null | grep -cv '^{' || true)"
  [ "$bad" = 0 ] || fail "$service wrote $bad non-JSON line(s) to stdout"
done

step "docker-compose down -v"
"${compose[@]}" down -v --remove-orphans >/dev/null 2>&1
[ -z "$(docker volume ls -q --filter "name=${project}_")" ] || fail "volumes left after down -v"
took "down -v"

echo "compose test passed"
