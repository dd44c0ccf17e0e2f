#!/usr/bin/env bash
# Seeds a throw-away database with N audit entries (default 1,000,000) and
# prints page latencies, query plans and the chain-verification time.
#   scripts/bench.sh            # 1,000,000 entries
#   scripts/bench.sh 200000     # fewer, for a quick look
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

cargo run --release -p partnerdesk-core --example bench_audit -- "$@"
