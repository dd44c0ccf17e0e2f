#!/usr/bin/env bash
# Regenerates ui/src/lib/bindings from the Rust types (ts-rs). Commit the result.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
rm -rf ui/src/lib/bindings
TS_RS_EXPORT_DIR="$REPO/ui/src/lib/bindings" cargo test -q -p partnerdesk-core export_bindings >/dev/null
ls ui/src/lib/bindings
