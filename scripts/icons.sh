#!/usr/bin/env bash
# Regenerates every icon size the bundlers need from the one source, icons/icon.svg.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_npm_packages
npx tauri icon icons/icon.svg --output icons
rm -rf icons/android icons/ios # desktop only
