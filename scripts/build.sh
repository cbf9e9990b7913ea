#!/usr/bin/env bash
# Builds the whole monorepo (one tsc run, then @plaza/* paths rewritten to relative ones) into a
# fresh directory and swaps it in, so a failed build never leaves a half-written dist/ behind for
# processes that are running from it. The web client's static files land in dist/web.
set -euo pipefail
cd "$(dirname "$0")/.."
out=".build-$$"
trap 'rm -rf "$out"' EXIT
npx tsc -p tsconfig.build.json --outDir "$out"
npx tsc-alias -p tsconfig.build.json --outDir "$out"
# The reference web client (apps/web), served by the gateway at / from dist/web.
npx vite build apps/web --outDir "$PWD/$out/web" --emptyOutDir --logLevel warn
rm -rf dist.old
[ -d dist ] && mv dist dist.old
mv "$out" dist
rm -rf dist.old
