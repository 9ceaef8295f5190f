#!/bin/sh
# Regenerates every <name>.generated.ts from its <name>.proto with protons 9 (whose output targets
# protons-runtime 7, the runtime the libp2p stack uses too): the wire protocols in protocols/ and
# the membership messages in src/membership/. Run from the repository root:
#   sh protocols/generate.sh
# protons writes <name>.ts next to its input, which would clobber hand-written modules of the same
# name (protocols/certificate/certificate.ts), so each .proto is compiled in a scratch directory.
set -eu
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
for proto in protocols/store/store.proto protocols/read/read.proto protocols/recovery/recovery.proto \
  protocols/certificate/certificate.proto protocols/sync/sync.proto protocols/challenge/challenge.proto \
  protocols/lifecycle/lifecycle.proto protocols/ledger/ledger.proto \
  src/membership/membership.proto; do
  name=$(basename "$proto" .proto)
  cp "$proto" "$scratch/$name.proto"
  npx protons "$scratch/$name.proto"
  {
    echo "// Generated from $name.proto by protons 9 via protocols/generate.sh. Do not edit."
    cat "$scratch/$name.ts"
  } > "$(dirname "$proto")/$name.generated.ts"
done
