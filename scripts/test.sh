#!/usr/bin/env bash
# Installs what the tests need on a fresh machine and runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."

# The pinned toolchain (rust-toolchain.toml) with rustfmt and clippy.
if command -v rustup >/dev/null 2>&1; then
  rustup show active-toolchain >/dev/null
fi

cargo test --workspace --locked
