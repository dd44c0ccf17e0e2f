// Settings live in the database: a restart on the same profile keeps the language.
import assert from "node:assert/strict";
import { test } from "node:test";
import { launch, removeProfile } from "./app.mjs";

test("the chosen language is remembered across a restart", async () => {
  let app = await launch();
  const profile = app.profile;
  try {
    await (await app.browser.$('[data-screen="settings"]')).waitForDisplayed({ timeout: 10000 });
    await (await app.browser.$('[data-screen="settings"]')).click();
    await (await app.browser.$("#settings-language")).selectByAttribute("value", "pl");
    await app.browser.waitUntil(
      async () => (await (await app.browser.$("main h1")).getText()) === "Ustawienia",
      { timeout: 5000 },
    );
    await app.stop();

    app = await launch(profile);
    const dashboardLink = await app.browser.$('[data-screen="dashboard"]');
    await dashboardLink.waitForDisplayed({ timeout: 10000 });
    await app.browser.waitUntil(async () => (await dashboardLink.getText()) === "Pulpit", {
      timeout: 5000,
      timeoutMsg: "the sidebar is not in Polish after the restart",
    });
    assert.equal(await (await app.browser.$("main h1")).getText(), "Pulpit");
  } finally {
    await app.stop();
    removeProfile(profile);
  }
});
