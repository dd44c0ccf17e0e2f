// Issue 5 end to end: administering a customer through an active
// delegated-administration relationship, as full and as limited access, and
// every action refused (and audited) once the relationship is terminated.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { launch, removeProfile, screenshot } from "./app.mjs";
import {
  ADMIN,
  activateRelationship,
  addCustomer,
  addStaff,
  completeWizard,
  fill,
  go,
  openCustomer,
  signIn,
  signInFirstTime,
  signOut,
  text,
  waitForText,
} from "./flows.mjs";

const LIMITED = { name: "Lena Limited", email: "lena@contoso.pl", own: "lena's own password 1" };
let app;
let limitedPassword;

before(async () => {
  app = await launch();
  await completeWizard(app.browser);
});

after(async () => {
  await app?.stop();
  if (app) removeProfile(app.profile);
});

async function openSubscriptionsTab() {
  await (await app.browser.$('[data-tab="subscriptions"]')).click();
}

async function openFirstSubscription() {
  const row = await app.browser.$('[data-subscription]');
  await row.waitForDisplayed({ timeout: 5000 });
  await row.click();
  await (await app.browser.$('[data-testid="subscription-quantity"]')).waitForDisplayed({ timeout: 5000 });
}

async function changeQuantity(quantity, reason) {
  await fill(app.browser, '[data-testid="new-quantity"]', String(quantity));
  await fill(app.browser, '[data-testid="change-reason"]', reason);
  await (await app.browser.$('[data-testid="change-quantity"]')).click();
}

async function closeDialog() {
  await app.browser.keys(["Escape"]);
}

test("full access adds a subscription and lowers it within the decrease window", async () => {
  await addCustomer(app.browser, "Kowalski Serwis", "kowalskiserwis");
  await activateRelationship(app.browser, "Kowalski – GDAP");
  await openSubscriptionsTab();
  await (await app.browser.$('[data-testid="add-subscription"]')).click();
  const service = await app.browser.$("#sub-service");
  await service.waitForDisplayed({ timeout: 5000 });
  await service.selectByVisibleText("Microsoft 365 Business Basic (sample price)");
  await fill(app.browser, "#sub-quantity", "10");
  await (await app.browser.$('[data-testid="save-subscription"]')).click();
  await waitForText(app.browser, '[data-testid="subscription-quantity"]', "10");
  await changeQuantity(8, "two people left");
  await waitForText(app.browser, '[data-testid="subscription-quantity"]', "8");
  await app.browser.waitUntil(
    async () => (await app.browser.$$('[data-testid="subscription-history"] tbody tr')).length === 2,
    { timeout: 5000, timeoutMsg: "the history did not show the change" },
  );
  await screenshot(app.browser, "subscription-detail");
  await closeDialog();
  await go(app.browser, "subscriptions");
  await waitForText(app.browser, '[data-testid="subscription-count"]', "Subscriptions: 1");
  await screenshot(app.browser, "subscriptions-list");
});

test("limited access sees the subscription but changing it is refused with the reason", async () => {
  limitedPassword = await addStaff(app.browser, { name: LIMITED.name, email: LIMITED.email, access: "limited" });
  await signOut(app.browser);
  await signInFirstTime(app.browser, LIMITED.email, limitedPassword, LIMITED.own);
  await openCustomer(app.browser, "kowalskiserwis");
  await openSubscriptionsTab();
  await openFirstSubscription();
  const disabled = await app.browser.execute(
    () => document.querySelector('[data-testid="change-quantity"]').matches(":disabled"),
  );
  assert.equal(disabled, true, "the form is disabled for limited access");
  assert.match(await text(app.browser, ".actions-box .hint"), /full access to customers/);
  // The core refuses even when the UI is bypassed.
  const id = await app.browser.execute(() => window.location.hash);
  assert.ok(id);
  const refusal = await app.browser.executeAsync((done) => {
    const invoke = window.__TAURI_INTERNALS__.invoke;
    invoke("list_subscriptions", { query: {} })
      .then((page) => invoke("change_subscription_quantity", { id: page.rows[0].id, quantity: 12, reason: "" }))
      .then(() => done(null), (e) => done(e));
  });
  assert.equal(refusal?.code, "forbidden");
  assert.equal(refusal?.reason, "full_customer_access_required");
  await screenshot(app.browser, "subscription-limited");
  await closeDialog();
  await signOut(app.browser);
});

test("after the decrease window a lower count is refused with the date it closed", async () => {
  await app.stop();
  app = { ...(await launch(app.profile, { PARTNERDESK_TEST_CLOCK_SHIFT_DAYS: "8" })), profile: app.profile };
  await signIn(app.browser, ADMIN.email, ADMIN.password);
  await waitForText(app.browser, '[data-testid="signed-in-user"]', ADMIN.name);
  await openCustomer(app.browser, "kowalskiserwis");
  await openSubscriptionsTab();
  await openFirstSubscription();
  await changeQuantity(7, "");
  const message = await app.browser.$('[data-testid="subscription-detail"] [data-testid="error-message"]');
  await message.waitForDisplayed({ timeout: 5000 });
  assert.match(await message.getText(), /can fall only until \d{4}-\d{2}-\d{2}/);
  await screenshot(app.browser, "subscription-window-closed");
  await changeQuantity(12, "new hires");
  await waitForText(app.browser, '[data-testid="subscription-quantity"]', "12");
  await closeDialog();
});

test("with the relationship terminated, administering is refused and audited", async () => {
  await (await app.browser.$('[data-tab="relationships"]')).click();
  await (await app.browser.$('[data-testid="terminate-relationship"]')).click();
  await (await app.browser.$('[data-testid="confirm"]')).click();
  await waitForText(app.browser, '[data-testid="relationship-state"]', "Terminated");
  await openSubscriptionsTab();
  await openFirstSubscription();
  await changeQuantity(13, "");
  const message = await app.browser.$('[data-testid="subscription-detail"] [data-testid="error-message"]');
  await message.waitForDisplayed({ timeout: 5000 });
  assert.match(await message.getText(), /no active delegated-administration relationship/);
  await closeDialog();

  await go(app.browser, "audit");
  await (await app.browser.$('[data-testid="audit-table"]')).waitForDisplayed({ timeout: 5000 });
  const refusals = await app.browser.execute(() =>
    [...document.querySelectorAll('[data-testid="audit-table"] tbody tr')]
      .filter((tr) => tr.dataset.outcome === "refused")
      .map((tr) => tr.dataset.action),
  );
  assert.ok(refusals.includes("subscription.quantity"), JSON.stringify(refusals));
  await screenshot(app.browser, "audit-refusals");
});
