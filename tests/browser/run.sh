#!/bin/sh
# CTest's entry to the browser tests: installs puppeteer-core from the pinned
# package-lock.json into the build tree (npm ci, from npm's cache when it
# holds it), then runs one node script.
#   run.sh SOURCE_DIR WORK_DIR SCRIPT ARGS...
set -eu
src=$1 work=$2 script=$3
shift 3
mkdir -p "$work"
cp "$src/package.json" "$src/package-lock.json" "$work/"
if ! cmp -s "$work/package-lock.json" "$work/node_modules/.lock-installed" 2>/dev/null; then
  (cd "$work" && npm ci --prefer-offline --no-audit --no-fund --loglevel=error >&2)
  cp "$work/package-lock.json" "$work/node_modules/.lock-installed"
fi
NODE_PATH="$work/node_modules" exec node "$src/$script" "$@"
