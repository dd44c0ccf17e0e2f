// Issue 12 end to end: part of a subscription upgraded along the offer
// matrix's conversion path (both rows checked), and a subscription past its
// term shown Disabled with the date its data goes (the app's clock ahead).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { launch, removeProfile, screenshot } from "./app.mjs";
import { ADMIN, activateRelationship, addCustomer, clickWhenReady, completeWizard, go, fill, openCustomer, signIn, text, waitForText } from "./flows.mjs";

let app;

before(async () => {
  app = await launch();
  await completeWizard(app.browser);
});

after(async () => {
  await app?.stop();
  if (app) removeProfile(app.profile);
});

/** A Tauri command called as the signed-in user, failing loudly. */
async function must(cmd, args) {
  const r = await app.browser.executeAsync(
    (cmd, args, done) => window.__TAURI_INTERNALS__.invoke(cmd, args).then((ok) => done({ ok }), (err) => done({ err })),
    cmd,
    args,
  );
  if (r.err) throw new Error(`${cmd}: ${JSON.stringify(r.err)}`);
  return r.ok;
}

async function rows() {
  const list = await app.browser.$('[data-testid="subscription-list"]');
  await list.waitForDisplayed({ timeout: 5000 });
  return app.browser.execute(() =>
    [...document.querySelectorAll("[data-subscription]")].map((row) => row.closest('[role="option"]')?.textContent ?? row.textContent),
  );
}

test("part of a Business Basic subscription moves to Business Standard, coterminous", async () => {
  await addCustomer(app.browser, "Upgrade Sp. z o.o.", "upgradesp");
  await activateRelationship(app.browser, "Wsparcie");
  const catalog = await must("list_catalog", {});
  const basic = catalog.find((s) => s.title.startsWith("Microsoft 365 Business Basic"));
  const customers = await must("list_customers", { query: { search: "upgradesp" } });
  const customer = customers.rows[0];
  const parent = await must("add_subscription", { input: { customer_id: customer.id, service_id: basic.id, quantity: 10, auto_renew: true, trial: false } });
  await openCustomer(app.browser, "upgradesp");
  await (await app.browser.$('[data-tab="subscriptions"]')).click();
  const row = await app.browser.$('[data-subscription^="Microsoft 365 Business Basic"]');
  await row.waitForDisplayed({ timeout: 5000 });
  await row.click();
  await (await app.browser.$('[data-testid="subscription-quantity"]')).waitForDisplayed({ timeout: 5000 });
  await clickWhenReady(app.browser, '[data-testid="upgrade"]');
  const target = await app.browser.$('[data-testid="upgrade-target"]');
  await target.waitForDisplayed({ timeout: 5000 });
  assert.match(await target.getText(), /Business Standard/);
  await fill(app.browser, '[data-testid="upgrade-quantity"]', "4");
  await waitForText(
    app.browser,
    '[data-testid="upgrade-summary"]',
    "4 licences move to a new Microsoft 365 Business Standard (sample price) subscription; 6 stay on Microsoft 365 Business Basic (sample price).",
  );
  await (await app.browser.$('[data-testid="upgrade-form"]')).scrollIntoView();
  await screenshot(app.browser, "upgrade-dialog");
  await (await app.browser.$('[data-testid="upgrade-submit"]')).click();
  const confirm = await app.browser.$('[data-testid="confirm"]');
  await confirm.waitForDisplayed({ timeout: 5000 });
  assert.match(await text(app.browser, '[data-testid="confirm-dialog"] p'), /cannot be undone/);
  await screenshot(app.browser, "upgrade-confirm");
  await confirm.click();
  await waitForText(app.browser, '[data-testid="subscription-quantity"]', "6");
  assert.match(await text(app.browser, '[data-testid="upgrade-done"]'), /Business Standard.*4/);
  await app.browser.keys(["Escape"]);

  // Both rows: the parent keeps 6, the new one holds 4 and ends with it.
  await app.browser.waitUntil(async () => (await rows()).length === 2, { timeout: 5000, timeoutMsg: "the new subscription is not listed" });
  const listed = (await rows()).join("\n");
  assert.match(listed, /Business Basic[^\n]*licences: 6/);
  assert.match(listed, /Business Standard[^\n]*licences: 4/);
  const page = await must("list_subscriptions", { query: { customer_id: customer.id } });
  const created = page.rows.find((s) => s.upgraded_from === parent.id);
  assert.equal(created?.ends_at, parent.ends_at);
  assert.equal(created?.term_started_at, parent.term_started_at);
  await screenshot(app.browser, "upgrade-both-rows");
});

test("a subscription past its term is shown Disabled with the date its data goes", async () => {
  const catalog = await must("list_catalog", {});
  const exchange = catalog.find((s) => s.title.startsWith("Exchange Online"));
  const customers = await must("list_customers", { query: { search: "upgradesp" } });
  const customer = customers.rows[0];
  const ending = await must("add_subscription", {
    input: { customer_id: customer.id, service_id: exchange.id, quantity: 3, term: "P1M", billing_plan: "monthly", auto_renew: false, trial: false },
  });
  await app.stop();
  // A month's term, then 30 days expired: 65 days on it is disabled.
  app = { ...(await launch(app.profile, { PARTNERDESK_TEST_CLOCK_SHIFT_DAYS: "65" })), profile: app.profile };
  await signIn(app.browser, ADMIN.email, ADMIN.password);
  await waitForText(app.browser, '[data-testid="signed-in-user"]', ADMIN.name, 20000);
  const now = await must("get_subscription", { id: ending.id });
  assert.equal(now.subscription.status, "disabled");
  await go(app.browser, "subscriptions");
  await (await app.browser.$('[data-testid="subscription-status-filter"]')).selectByAttribute("value", "disabled");
  const row = await app.browser.$('[data-subscription^="Exchange Online"]');
  await row.waitForDisplayed({ timeout: 5000 });
  assert.match(await text(app.browser, '[data-testid="row-data-deleted"]'), /data deleted/);
  await row.click();
  await waitForText(app.browser, '[data-testid="subscription-status"]', "Disabled");
  const deletes = await text(app.browser, '[data-testid="subscription-data-deleted"]');
  const expected = new Date(Date.parse(ending.ends_at) + 120 * 86_400_000);
  assert.match(deletes, new RegExp(String(expected.getUTCFullYear())), deletes);
  assert.match(await text(app.browser, '[data-testid="subscription-state-help"]'), /only admins reach the data/);
  await screenshot(app.browser, "subscription-disabled");
  await app.browser.keys(["Escape"]);

  // The same in Polish.
  await must("update_settings", { update: { language: "pl" } });
  await app.browser.refresh();
  await (await app.browser.$("nav.sidebar")).waitForDisplayed({ timeout: 10000 });
  await go(app.browser, "subscriptions");
  await (await app.browser.$('[data-testid="subscription-status-filter"]')).selectByAttribute("value", "disabled");
  await (await app.browser.$('[data-subscription^="Exchange Online"]')).click();
  await waitForText(app.browser, '[data-testid="subscription-status"]', "Wyłączona");
  assert.match(await text(app.browser, '[data-testid="subscription-data-deleted"]'), /^zostaną usunięte /);
  await screenshot(app.browser, "subscription-disabled-pl");
  await app.browser.keys(["Escape"]);
});
