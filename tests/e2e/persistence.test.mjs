// This desktop's preferences live in its database: a restart on the same profile keeps the language.
import assert from "node:assert/strict";
import { test } from "node:test";
import { launch, removeProfile } from "./app.mjs";
import { waitForText } from "./flows.mjs";

test("the chosen language is remembered across a restart", async () => {
  let app = await launch();
  const profile = app.profile;
  try {
    const picker = await app.browser.$('[data-testid="language-picker"]');
    await picker.waitForDisplayed({ timeout: 10000 });
    await picker.selectByAttribute("value", "pl");
    await waitForText(app.browser, "#first-run-title", "Witaj w Partnerdesk");
    await app.stop();

    app = await launch(profile);
    await (await app.browser.$("#first-run-title")).waitForDisplayed({ timeout: 10000 });
    await waitForText(app.browser, "#first-run-title", "Witaj w Partnerdesk");
    assert.equal(await app.browser.execute(() => document.documentElement.lang), "pl");
  } finally {
    await app.stop();
    removeProfile(profile);
  }
});
