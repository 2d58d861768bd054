#!/usr/bin/env bash
# Installs what the tests need on a fresh machine and runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."

# The pinned toolchain (rust-toolchain.toml) with rustfmt and clippy.
if command -v rustup >/dev/null 2>&1; then
  rustup show active-toolchain >/dev/null
fi

# Dovecot, which the IMAP tests (overture-imap) start on loopback, from Debian's packages.
if ! command -v dovecot >/dev/null 2>&1 && [ ! -x /usr/sbin/dovecot ]; then
  sudo=""
  if [ "$(id -u)" != "0" ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends dovecot-imapd
fi

# Python's Jinja2, which the template differential test renders with (overture-message).
python3 -m pip install --quiet --disable-pip-version-check "jinja2==3.1.6"
# The loopback SMTP server (aiosmtpd) and the independent DKIM verifier (dkimpy; PyNaCl for its
# Ed25519 signatures) of overture-email's tests.
python3 -m pip install --quiet --disable-pip-version-check \
  "aiosmtpd==1.4.6" "dkimpy==1.1.8" "pynacl==1.5.0"
# The independent Standard Webhooks verifier of overture-webhooks' tests.
python3 -m pip install --quiet --disable-pip-version-check "standardwebhooks==1.1.0"

# PostgreSQL for overture-store-postgres's tests, which create (and drop) a database per test
# through this URL. The machine runs the server; start it if it does not answer.
export OVERTURE_TEST_POSTGRES_URL="${OVERTURE_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
if command -v pg_isready >/dev/null 2>&1 && ! pg_isready -q -h 127.0.0.1 -p 5432; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
  for _ in $(seq 1 30); do
    pg_isready -q -h 127.0.0.1 -p 5432 && break
    sleep 1
  done
fi

cargo test --workspace --locked -- --skip crash_matrix

# The crash matrix and the zombie test (overture's tests/it/crash_matrix.rs): worker processes
# killed hundreds of times on SQLite and PostgreSQL. Run on their own so that their counts
# (kills, actions, duplicates, lost) are printed.
cargo test --locked -p overture --test it crash_matrix -- --nocapture

# The served OpenAPI document against the service itself (schemathesis).
scripts/schemathesis.sh

# The dashboard in Debian's chromium, driven by playwright-core.
scripts/browser-test.sh
