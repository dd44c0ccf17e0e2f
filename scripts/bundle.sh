#!/usr/bin/env bash
# Builds the installable package for this platform (deb here; msi on Windows,
# app and dmg on macOS, from tauri.windows.conf.json / tauri.macos.conf.json).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_toolchains
ensure_apt_packages "${BUILD_PACKAGES[@]}"
ensure_npm_packages
npx tauri build "$@"
find "$CARGO_TARGET_DIR/release/bundle" -maxdepth 2 -type f \( -name '*.deb' -o -name '*.msi' -o -name '*.dmg' \) -exec ls -la {} \;
