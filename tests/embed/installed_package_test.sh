#!/usr/bin/env bash
# The installed package as a POS vendor gets it: installs the Development
# component of BUILD_DIR into a fresh prefix, configures examples/till as a
# project of its own against that prefix only (no source-tree include
# paths: a header or a dependency the package forgot breaks the build), builds
# it, runs it on a fresh home and checks that it rang up a sale with a
# discount line and the card's progress.
#   installed_package_test.sh BUILD_DIR TILL_SOURCE CXX BUILD_TYPE SANITIZE_FLAGS GENERATOR
set -euo pipefail
build=$1 till_source=$2 cxx=$3 build_type=${4:-Debug} sanitize=${5:-} generator=${6:-Ninja}

work=$(mktemp -d /tmp/loyalpos-installed.XXXXXX)
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix

cmake --install "$build" --prefix "$prefix" --component Development >"$work/install.log"

# Only the public headers are installed.
headers=$(cd "$prefix/include" && find . -type f | sort)
if [[ "$headers" != *"./loyalpos/terminal.h"* ]] || grep -qv '^\./loyalpos/[a-z_]*\.h$' <<<"$headers"; then
  echo "unexpected installed headers:"; echo "$headers"; exit 1
fi
# Nothing but the package: no executable in the Development component.
if [[ -e "$prefix/bin" ]]; then echo "Development installed $prefix/bin"; exit 1; fi

# Sanitized libraries need the sanitizer runtime at the link.
if ! cmake -S "$till_source" -B "$work/build" -G "$generator" \
    -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE="$build_type" \
    -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF \
    -DCMAKE_EXPORT_COMPILE_COMMANDS=ON \
    -DCMAKE_CXX_FLAGS="$sanitize" -DCMAKE_EXE_LINKER_FLAGS="$sanitize" >"$work/configure.log" 2>&1; then
  cat "$work/configure.log"; exit 1
fi
if ! cmake --build "$work/build" -j1 >"$work/build.log" 2>&1; then
  cat "$work/build.log"; exit 1
fi
# The example was compiled against the prefix, never the source tree.
source_root=$(cd "$till_source/../.." && pwd)
if grep -Eq -- "(-I|-isystem )$source_root" "$work/build/compile_commands.json"; then
  echo "the example saw the source tree's headers"; exit 1
fi

out=$("$work/build/till" "$work/home")
echo "$out"
grep -q '^Sale [0-9]' <<<"$out" || { echo "no sale in the till's output"; exit 1; }
grep -q 'discount -150.00  5th free' <<<"$out" || { echo "no discount line"; exit 1; }
grep -q 'Pastry card' <<<"$out" || { echo "no card progress"; exit 1; }
# A second run opens the ledger it made.
"$work/build/till" "$work/home" >/dev/null
echo "installed package ok"
