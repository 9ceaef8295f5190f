#!/usr/bin/env bash
# Builds a local stand-in for the official `node` image, for machines that reach Debian's mirror
# but no image registry (our CI): a Debian bookworm root filesystem (mmdebstrap) with this
# machine's Node runtime and npm copied in, a `node` user (uid 1000) like the official image's, and
# the machine's CA bundle and global npmrc (so `npm ci` in the image reaches the registry the way
# the host does). Imported with `docker import`; the Dockerfile takes it through its NODE_IMAGE
# build argument.
#
#   test/docker/base-image.sh [TAG]      # default tag floe-base:local; needs root, mmdebstrap, docker
set -euo pipefail

tag="${1:-floe-base:local}"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
node_bin="$(command -v node)"
npm_dir="$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")"

hooks=(
  --customize-hook="copy-in $node_bin /usr/local/bin"
  --customize-hook="mkdir -p \"\$1/usr/local/lib/node_modules\""
  --customize-hook="copy-in $npm_dir /usr/local/lib/node_modules"
  --customize-hook="ln -s ../lib/node_modules/npm/bin/npm-cli.js \"\$1/usr/local/bin/npm\""
  --customize-hook="ln -s ../lib/node_modules/npm/bin/npx-cli.js \"\$1/usr/local/bin/npx\""
  --customize-hook="echo 'node:x:1000:1000::/home/node:/bin/sh' >> \"\$1/etc/passwd\""
  --customize-hook="echo 'node:x:1000:' >> \"\$1/etc/group\""
  --customize-hook="echo 'node:*:20000:0:99999:7:::' >> \"\$1/etc/shadow\""
  --customize-hook="mkdir -p \"\$1/home/node\" && chown 1000:1000 \"\$1/home/node\""
  --customize-hook="rm -rf \"\$1/var/cache/apt\"/*.bin \"\$1/var/lib/apt/lists\"/*"
)
if [ -f /etc/ssl/certs/ca-certificates.crt ]; then
  hooks+=(--customize-hook="mkdir -p \"\$1/etc/ssl/certs\"" --customize-hook="copy-in /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs")
fi
npmrc="$(npm config get globalconfig)"
if [ -f "$npmrc" ]; then
  hooks+=(--customize-hook="mkdir -p \"\$1/usr/local/etc\"" --customize-hook="copy-in $npmrc /usr/local/etc")
fi

# Essential packages only (no apt, no Priority: required extras): all the image needs is a shell,
# coreutils and the C++ runtime Node links against.
mmdebstrap --quiet --variant=essential --include=libstdc++6 \
  --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
  --dpkgopt='path-exclude=/usr/share/locale/*' \
  "${hooks[@]}" bookworm - "$mirror" |
  docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["node"]' \
    - "$tag" >/dev/null

echo "base image $tag: Debian bookworm (essential) + node $(node --version) (npm $(npm --version))"
