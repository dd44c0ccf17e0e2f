// Launches the real Partnerdesk binary through tauri-driver (WebKitWebDriver)
// with its own temporary data and XDG directories, and hands back a
// WebdriverIO browser. Run under a display: `xvfb-run -a node --test tests/e2e/`.
import { spawn } from "node:child_process";
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { homedir, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { remote } from "webdriverio";

const repo = resolve(import.meta.dirname, "../..");
// The same default as scripts/lib.sh: one shared target directory outside the clone.
const targetDir = process.env.CARGO_TARGET_DIR ?? join(homedir(), ".cache", "partnerdesk", "target");
export const binary = process.env.PARTNERDESK_BIN ?? join(targetDir, "debug", "partnerdesk");
export const artifacts = join(repo, "tests", "e2e", "artifacts");

function freePort() {
  return new Promise((done, fail) => {
    const server = createServer();
    server.unref();
    server.on("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });
}

async function waitForPort(port, child, timeoutMs = 15000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`tauri-driver exited with ${child.exitCode}`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/status`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`tauri-driver did not listen on ${port} within ${timeoutMs} ms`);
}

/** A fresh profile: data directory plus XDG homes, so no test touches the user's. */
export function freshProfile() {
  const root = mkdtempSync(join(tmpdir(), "partnerdesk-e2e-"));
  const dirs = { root, data: join(root, "data") };
  for (const sub of ["data", "config", "cache", "share", "runtime"]) mkdirSync(join(root, sub), { mode: 0o700 });
  return dirs;
}

/**
 * Starts the app on `profile` (a fresh one unless given, e.g. to test a restart),
 * with `extraEnv` added to its environment. Returns { browser, profile, stop }.
 */
export async function launch(profile = freshProfile(), extraEnv = {}) {
  const [port, nativePort] = [await freePort(), await freePort()];
  const env = {
    ...process.env,
    PARTNERDESK_DATA_DIR: profile.data,
    XDG_CONFIG_HOME: join(profile.root, "config"),
    XDG_CACHE_HOME: join(profile.root, "cache"),
    XDG_DATA_HOME: join(profile.root, "share"),
    XDG_RUNTIME_DIR: join(profile.root, "runtime"),
    DBUS_SESSION_BUS_ADDRESS: "disabled:",
    NO_AT_BRIDGE: "1",
    // Software rendering needs no shader cache, and a cache still being written
    // by a dying web process is what made profile removal flaky.
    MESA_SHADER_CACHE_DISABLE: "true",
    // C.UTF-8 exists on every Debian; the UI then falls back to English.
    LANG: process.env.E2E_LANG ?? "C.UTF-8",
    ...extraEnv,
  };
  // The driver's output goes to a file, never to the test runner's pipes:
  // tauri-driver hands its stderr on to WebKitWebDriver, the app and WebKit's
  // helpers, and one of them outliving the test kept the runner's pipe open,
  // so the run never ended. Its own process group lets stop() end them all.
  mkdirSync(artifacts, { recursive: true });
  const log = openSync(join(artifacts, "tauri-driver.log"), "a");
  const driver = spawn(
    "tauri-driver",
    ["--port", String(port), "--native-port", String(nativePort)],
    { env, stdio: ["ignore", log, log], detached: true },
  );
  closeSync(log);
  try {
    await waitForPort(port, driver);
    const launchedAt = performance.now();
    const browser = await remote({
      hostname: "127.0.0.1",
      port,
      logLevel: "warn",
      connectionRetryCount: 0,
      capabilities: {
        "tauri:options": { application: binary },
        "wdio:enforceWebDriverClassic": true,
      },
    });
    const stop = async () => {
      await browser.deleteSession().catch(() => {});
      await endProcessGroup(driver);
    };
    return { browser, profile, stop, launchedAt };
  } catch (error) {
    await endProcessGroup(driver);
    throw error;
  }
}

/** Ends the driver and everything it started: politely first, then for certain. */
async function endProcessGroup(leader, graceMs = 3000) {
  const signalGroup = (signal) => {
    try {
      process.kill(-leader.pid, signal);
      return true;
    } catch {
      return false; // the group is already gone
    }
  };
  const exited = leader.exitCode !== null || leader.signalCode !== null
    ? Promise.resolve()
    : new Promise((done) => leader.once("exit", done));
  if (!signalGroup("SIGTERM")) return;
  await Promise.race([exited, new Promise((r) => setTimeout(r, graceMs))]);
  // Whatever of the group is still there (the app, WebKit's helpers) is killed.
  signalGroup("SIGKILL");
  await exited;
}

export function removeProfile(profile) {
  // The web process may still be flushing its caches for a moment after exit;
  // a leftover temp directory is not worth failing a test over.
  try {
    rmSync(profile.root, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  } catch (error) {
    console.warn(`could not remove ${profile.root}: ${error.message}`);
  }
}

export async function screenshot(browser, name) {
  mkdirSync(artifacts, { recursive: true });
  await browser.saveScreenshot(join(artifacts, `${name}.png`));
}
