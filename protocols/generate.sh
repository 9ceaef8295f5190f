#!/bin/sh
# Regenerates protocols/<name>/<name>.generated.ts from <name>.proto with protons 9 (whose output
# targets protons-runtime 7, the runtime the libp2p stack uses too). Run from the repository
# root: sh protocols/generate.sh
set -eu
for name in store read recovery certificate sync challenge; do
  dir="protocols/$name"
  npx protons "$dir/$name.proto"
  {
    echo "// Generated from $name.proto by protons 9 via protocols/generate.sh. Do not edit."
    cat "$dir/$name.ts"
  } > "$dir/$name.generated.ts"
  rm "$dir/$name.ts"
done
