#!/usr/bin/env bash
# Benchmarks that print numbers (Markdown) and assert nothing. Each seeds its own
# throw-away database; all run in release.
#   scripts/bench.sh                    # all: audit (1,000,000 entries), customers, subscriptions (100,000 customers)
#   scripts/bench.sh audit [N]          # audit log paging, N entries (default 1,000,000)
#   scripts/bench.sh customers [N]      # customer list, N customers + 2×N relationships (default 100,000)
#   scripts/bench.sh subscriptions [N]  # subscription list and tab, dashboard, bell, hourly clocks:
#                                       #   N customers, ~3×N subscriptions (default 100,000)
#   scripts/bench.sh team [flags]       # team server: a throwaway PostgreSQL, the release server,
#                                       #   20 desktops for 60 s on 100,000 customers; flags:
#                                       #   --seconds S --customers N --desktops D --think-ms M
#   scripts/bench.sh 200000             # old form: the audit benchmark with N entries
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

bench() { cargo run --release -p partnerdesk-core --example "bench_$1" -- "${@:2}"; }

# The team benchmark needs PostgreSQL (scripts/pg.sh) and the server's release binary.
bench_team() {
  ensure_apt_packages postgresql
  local pg_dir url
  pg_dir="$(mktemp -d /tmp/pg-bench-team.XXXXXX)"
  trap 'bash "$REPO/scripts/pg.sh" remove "'"$pg_dir"'"' EXIT
  url="$(bash scripts/pg.sh start "$pg_dir")"
  cargo build --release -q -p partnerdesk-server --bins --example bench_team
  "$CARGO_TARGET_DIR/release/examples/bench_team" --database-url "$url" \
    --server-bin "$CARGO_TARGET_DIR/release/partnerdesk-server" "$@"
}

case "${1:-all}" in
  all)           bench audit && bench customers && bench subscriptions ;;
  audit)         bench audit "${@:2}" ;;
  customers)     bench customers "${@:2}" ;;
  subscriptions) bench subscriptions "${@:2}" ;;
  team)          bench_team "${@:2}" ;;
  *)             bench audit "$@" ;;
esac
