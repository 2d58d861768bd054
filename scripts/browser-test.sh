#!/usr/bin/env bash
# The dashboard's browser tests: playwright-core (npm) drives Debian's chromium against
# `overture serve --sandbox`. Installs both when missing; screenshots go to
# target/browser-screenshots/.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x /usr/bin/chromium ]; then
  sudo=""
  if [ "$(id -u)" != "0" ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium
fi

cargo build -p overture --locked
(cd tests/browser && npm ci --no-audit --no-fund --loglevel=error && npm test)
echo "Screenshots: target/browser-screenshots/"
