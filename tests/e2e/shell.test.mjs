// The shell on the real binary: it opens, is navigable, and speaks Polish and English.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { launch, removeProfile, screenshot } from "./app.mjs";
import { completeWizard } from "./flows.mjs";

let app;

before(async () => {
  app = await launch();
});

after(async () => {
  await app?.stop();
  if (app) removeProfile(app.profile);
});

const text = async (selector) => (await app.browser.$(selector)).getText();

async function waitForText(selector, expected) {
  await app.browser.waitUntil(async () => (await text(selector)) === expected, {
    timeout: 5000,
    timeoutMsg: `${selector} never read "${expected}" (last: "${await text(selector)}")`,
  });
}

test("the shell opens on the dashboard with the sidebar and the database in the profile", async (t) => {
  await (await app.browser.$('[data-testid="first-run"]')).waitForDisplayed({ timeout: 10000 });
  const sidebarSeenMs = performance.now() - app.launchedAt;
  const firstDataMs = await app.browser.execute(
    () => performance.getEntriesByName("partnerdesk:first-data")[0]?.startTime ?? -1,
  );
  assert.ok(firstDataMs > 0, "the shell marked its first data");
  t.diagnostic(
    `startup: page navigation to first data ${firstDataMs.toFixed(0)} ms; ` +
      `WebDriver session request to first screen visible ${sidebarSeenMs.toFixed(0)} ms`,
  );
  await screenshot(app.browser, "wizard-en");
  await completeWizard(app.browser);
  await waitForText('[data-screen="dashboard"]', "Dashboard");
  assert.equal(await text("main h1"), "Dashboard");
  const databasePath = await text('[data-testid="database-path"]');
  assert.ok(
    databasePath.startsWith(app.profile.data),
    `database ${databasePath} is inside the test profile ${app.profile.data}`,
  );
  assert.equal(await text('[data-testid="context"] .context-value'), "My company");
  await screenshot(app.browser, "dashboard-en");
});

test("switching to Polish shows Polish labels, and switching back restores English", async () => {
  await (await app.browser.$('[data-screen="settings"]')).click();
  await waitForText("main h1", "Settings");

  await (await app.browser.$("#settings-language")).selectByAttribute("value", "pl");
  await waitForText("main h1", "Ustawienia");
  await waitForText('[data-screen="dashboard"]', "Pulpit");
  assert.equal(await text('label[for="settings-theme"]'), "Motyw");
  assert.equal(await app.browser.execute(() => document.documentElement.lang), "pl");
  await screenshot(app.browser, "settings-pl");
  for (const [screen, heading] of [
    ["customers", "Klienci"],
    ["staff", "Użytkownicy"],
    ["company", "Profil firmy"],
    ["catalog", "Katalog usług"],
    ["audit", "Dziennik inspekcji"],
  ]) {
    await (await app.browser.$(`a[data-screen="${screen}"]`)).click();
    await waitForText("main h1", heading);
    await screenshot(app.browser, `${screen}-pl`);
  }
  await (await app.browser.$('a[data-screen="settings"]')).click();
  await waitForText("main h1", "Ustawienia");

  await (await app.browser.$("#settings-language")).selectByAttribute("value", "en");
  await waitForText("main h1", "Settings");
  await waitForText('[data-screen="dashboard"]', "Dashboard");
  assert.equal(await app.browser.execute(() => document.documentElement.lang), "en");
});

test("the keyboard alone reaches every screen", async () => {
  await app.browser.keys(["Alt", "1"]);
  await waitForText("main h1", "Dashboard");
  assert.equal(
    await app.browser.execute(() => document.activeElement?.tagName),
    "H1",
    "focus moves to the new screen's heading",
  );
  await app.browser.keys(["Alt", "7"]);
  await waitForText("main h1", "Settings");
});

test("a command's validation error reaches the webview typed, with its field", async () => {
  const error = await app.browser.executeAsync((done) => {
    window.__TAURI_INTERNALS__
      .invoke("update_settings", { update: { language: "de" } })
      .then(() => done(null), (e) => done(e));
  });
  assert.equal(error?.code, "validation");
  assert.equal(error?.field, "language");
  assert.match(error?.message ?? "", /system, pl, en/);
});
