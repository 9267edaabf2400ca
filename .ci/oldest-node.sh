#!/usr/bin/env bash
# Runs the committed bundles under the oldest Node.js that package.json `engines` allows (the plugin
# runs on the user's node; the test suite needs a newer one for its dev tools, see
# docs/user-guide.md "Requirements"). That Node comes from the npm registry as the official
# node-<platform>-<arch> binary package. Skipped, with a line saying so, where no such package exists.
set -euo pipefail
cd "$(dirname "$0")/.."
oldest=$(node -p "require('semver').minVersion(require('./package.json').engines.node).version")
pkg="node-$(node -p process.platform)-$(node -p process.arch)"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
if ! npm install --prefix "$dir" --no-save --no-audit --no-fund --no-package-lock "$pkg@$oldest" >/dev/null 2>&1; then
  echo "oldest-node: could not install $pkg@$oldest from the registry; skipped"
  exit 0
fi
"$dir/node_modules/$pkg/bin/node" scripts/smoke-bundles.mjs
