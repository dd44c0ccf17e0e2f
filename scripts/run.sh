#!/usr/bin/env bash
# Installs what is missing, builds Partnerdesk (release) and opens it on the
# embedded database in the platform data directory (or $PARTNERDESK_DATA_DIR).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ensure_toolchains
ensure_apt_packages "${BUILD_PACKAGES[@]}"
ensure_npm_packages
build_ui
say "building and starting Partnerdesk"
cargo run --release -p partnerdesk "$@"
