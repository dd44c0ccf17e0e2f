# Shared by scripts/run.sh and scripts/test.sh: paths, and installing what is
# missing (idempotent: every step checks first and does nothing when satisfied).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"

# One cargo target directory outside the clone, shared by every checkout on the
# machine: a fresh clone then rebuilds only what changed.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/partnerdesk/target}"

BUILD_PACKAGES=(libwebkit2gtk-4.1-dev libgtk-3-dev libsoup-3.0-dev librsvg2-dev build-essential pkg-config file libclang-dev)
TEST_PACKAGES=(xvfb xauth webkit2gtk-driver postgresql)

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

ensure_apt_packages() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing system packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

ensure_toolchains() {
  command -v cargo >/dev/null || {
    echo "Rust is missing: install it from https://rustup.rs (stable, 1.85 or newer), then run this again." >&2
    exit 1
  }
  command -v npm >/dev/null || {
    echo "Node.js 20 or newer with npm is missing: install it (e.g. from NodeSource or your distribution), then run this again." >&2
    exit 1
  }
  cargo fmt --version >/dev/null 2>&1 || rustup component add rustfmt
  cargo clippy --version >/dev/null 2>&1 || rustup component add clippy
}

ensure_npm_packages() {
  # `npm ci` cannot work here (the lock file lacks other platforms' optional
  # Tauri CLI binaries); `npm install` with the committed lock leaves it unchanged.
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    say "installing npm packages from package-lock.json"
    npm install --no-audit --no-fund --loglevel=error
  fi
}

ensure_tauri_driver() {
  command -v tauri-driver >/dev/null && return 0
  say "installing tauri-driver"
  # Pinned to 2.x: crates.io's newest tauri-driver is a 3.0 alpha.
  cargo install tauri-driver --version '^2' --locked
}

build_ui() {
  say "building the UI (ui/dist)"
  npm run --silent ui:build
}

# A throwaway PostgreSQL for the server's tests (scripts/pg.sh): started once,
# removed when the calling script exits, whether it passed or failed.
start_test_postgres() {
  TEST_PG_DIR="$(mktemp -d /tmp/partnerdesk-pg.XXXXXX)"
  trap stop_test_postgres EXIT
  PARTNERDESK_TEST_DATABASE_URL="$(bash "$REPO/scripts/pg.sh" start "$TEST_PG_DIR")"
  export PARTNERDESK_TEST_DATABASE_URL
  say "PostgreSQL for tests: $PARTNERDESK_TEST_DATABASE_URL"
}

stop_test_postgres() {
  [ -n "${TEST_PG_DIR:-}" ] || return 0
  bash "$REPO/scripts/pg.sh" remove "$TEST_PG_DIR" || true
  TEST_PG_DIR=""
}
