#!/usr/bin/env bash
# Builds Overture and runs its main job on the embedded SQLite default:
# accounts, a messy lead import, campaign validation and storage, and what was stored.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --release --locked --quiet -p overture
bin=target/release/overture
db=${OVERTURE_TRY_DB:-./overture-try.db}
rm -f "$db" "$db-wal" "$db-shm"
export OVERTURE_DATABASE_URL="$db"

step() { printf '\n\033[1m$ overture %s\033[0m\n' "$*"; "$bin" "$@"; }

step init
step account add sandbox --name alice --tier premium --tz Europe/Berlin
step account add sandbox --name bob --tier sales-navigator --tz America/New_York
step account add sandbox --name carol --tier free --tz Europe/Lisbon --days mon-thu --hours 08:30-16:30
step account list
step leads import examples/leads/founders.csv --list founders
step leads list --list founders

printf '\n\033[1m$ overture campaign validate examples/broken-campaign.yaml\033[0m   (a file with mistakes)\n'
"$bin" campaign validate examples/broken-campaign.yaml || echo "(exit code $?: nothing was stored)"

for f in examples/campaigns/*.yaml; do
  step campaign apply "$f"
done
step campaign list
step campaign show founders-q1
printf '\nThe database is %s; explore it with `OVERTURE_DATABASE_URL=%s %s --help`.\n' "$db" "$db" "$bin"
