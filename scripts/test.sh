#!/usr/bin/env bash
# Installs what is missing and runs every check and test, timing each step.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

declare -a STEP_NAMES=() STEP_SECONDS=()
step() {
  local name="$1"
  shift
  say "$name"
  local start=$SECONDS
  "$@"
  STEP_NAMES+=("$name")
  STEP_SECONDS+=($((SECONDS - start)))
}

install_everything() {
  ensure_toolchains
  ensure_apt_packages "${BUILD_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
  ensure_tauri_driver
  ensure_npm_packages
}

core_has_no_tauri() {
  # Crate names only: the core's own path (src-tauri/core) must not match. The
  # server's HTTP, PostgreSQL and TLS crates stay out of the core too (decisions 0048, 0053).
  if cargo tree -p partnerdesk-core --edges normal,build --prefix none --format '{p}' |
    awk '{print $1}' | grep -Eq '^(tauri|tauri-.*|wry|tao|axum|tokio-postgres|deadpool-postgres|rustls|tokio-rustls|rcgen)$'; then
    echo "partnerdesk-core must not depend on Tauri or the server's crates:" >&2
    cargo tree -p partnerdesk-core -i tauri >&2 || true
    return 1
  fi
}

types_have_not_drifted() {
  local fresh core_tests
  fresh="$(mktemp -d)"
  # Runs the core's test binary that the test step built, with the bindings
  # going to a fresh directory: asking cargo with another TS_RS_EXPORT_DIR
  # would rebuild the crate for the changed variable (85 s on CI).
  core_tests="$(cargo test -q --workspace --no-run --message-format=json 2>/dev/null | node -e '
    const lines = require("fs").readFileSync(0, "utf8").split("\n").filter(Boolean);
    const built = lines.map((l) => JSON.parse(l)).find((m) =>
      m.reason === "compiler-artifact" && m.profile?.test && m.target?.name === "partnerdesk_core" &&
      m.target.kind.includes("lib") && m.executable);
    if (!built) process.exit(1);
    console.log(built.executable);')" || {
    echo "the core's test binary was not found" >&2
    return 1
  }
  (cd src-tauri/core && TS_RS_EXPORT_DIR="$fresh" "$core_tests" -q export_bindings >/dev/null)
  if ! diff -ru ui/src/lib/bindings "$fresh"; then
    echo "ui/src/lib/bindings is out of date: run scripts/types.sh and commit the result." >&2
    return 1
  fi
  if grep -rl bigint ui/src/lib/bindings; then
    echo "a 64-bit integer reaches TypeScript as bigint: annotate it #[ts(type = \"number\")]." >&2
    return 1
  fi
  rm -rf "$fresh"
}

end_to_end() {
  cargo build -q -p partnerdesk
  mkdir -p tests/e2e/artifacts
  : >tests/e2e/artifacts/tauri-driver.log
  # Bounded at every level, so a stuck app fails this step in minutes instead
  # of holding CI until its limit: each test 2 min, the whole step 15 min, and
  # the runner exits once its tests are done even if a handle is left open.
  timeout --kill-after=30s 15m \
    xvfb-run -a --server-args="-screen 0 1280x900x24" \
    node --test --test-concurrency=1 --test-timeout=120000 --test-force-exit tests/e2e/ || {
    echo "--- the end of tests/e2e/artifacts/tauri-driver.log:" >&2
    tail -n 40 tests/e2e/artifacts/tauri-driver.log >&2
    return 1
  }
}

step "install what is missing" install_everything
step "build the UI" build_ui
step "cargo fmt --check" cargo fmt --all -- --check
step "cargo clippy" cargo clippy -q --workspace --all-targets -- -D warnings
step "core has no Tauri or server crates in its tree" core_has_no_tauri
step "start a throwaway PostgreSQL" start_test_postgres
step "core, shell and server tests" cargo test -q --workspace
step "TypeScript bindings drift" types_have_not_drifted
step "svelte-check" npm run --silent ui:check
step "UI unit tests (Vitest)" npm run --silent ui:test
# The team end-to-end test runs the real server on the same PostgreSQL.
step "end-to-end tests of the real app" end_to_end
step "stop PostgreSQL" stop_test_postgres

say "step timings (seconds)"
for i in "${!STEP_NAMES[@]}"; do
  printf '  %5s  %s\n' "${STEP_SECONDS[$i]}" "${STEP_NAMES[$i]}"
done
printf 'steps: %d passed, 0 failed\n' "${#STEP_NAMES[@]}"
