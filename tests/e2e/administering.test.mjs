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
  clickWhenReady,
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

async function openTab(name) {
  await (await app.browser.$(`[data-tab="${name}"]`)).click();
}

const click = (selector) => clickWhenReady(app.browser, selector);

/** Calls a command directly, as a UI that skipped its own checks would; resolves to the error or null. */
/** Calls a command straight through IPC, as a UI bug or a tampered UI could; returns its refusal or null. */
async function bypass(command, args) {
  return app.browser.executeAsync(
    (name, payload, done) => {
      window.__TAURI_INTERNALS__.invoke(name, payload).then(() => done(null), (e) => done(e));
    },
    command,
    args,
  );
}

async function firstSubscriptionOf(customer) {
  return app.browser.executeAsync((id, done) => {
    window.__TAURI_INTERNALS__
      .invoke("list_subscriptions", { query: { customer_id: id } })
      .then((page) => done(page.rows[0].id), (e) => done(`failed: ${JSON.stringify(e)}`));
  }, customer);
}

async function customerId() {
  return app.browser.execute(() => decodeURIComponent(window.location.hash.split("/")[2] ?? ""));
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

test("full access adds a customer user and takes a service request from draft to closed", async () => {
  await openCustomer(app.browser, "kowalskiserwis");
  await openTab("users");
  await click('[data-testid="add-user"]');
  await fill(app.browser, "#user-display_name", "Jan Kowalski");
  await fill(app.browser, "#user-user_name", "jan@kowalskiserwis.onmicrosoft.com");
  await click('[data-testid="customer-user-form"] button[type="submit"]');
  await (await app.browser.$('tr[data-user-name="jan@kowalskiserwis.onmicrosoft.com"]')).waitForDisplayed({ timeout: 5000 });

  await openTab("requests");
  await click('[data-testid="new-request"]');
  await fill(app.browser, "#request-title", "Mailbox over quota");
  await (await app.browser.$("#request-category")).selectByIndex(1);
  await fill(app.browser, "#request-description", "Jan's mailbox stopped receiving mail this morning.");
  await fill(app.browser, "#request-contact_name", "Jan Kowalski");
  await click('[data-testid="save-request"]');
  await waitForText(app.browser, '[data-testid="request-detail"] [data-testid="request-status"]', "Draft");
  await click('[data-testid="request-detail"] [data-event="submit"]');
  await waitForText(app.browser, '[data-testid="request-detail"] [data-testid="request-status"]', "Open");
  await fill(app.browser, "#request-note", "Asked Microsoft to raise the quota.");
  await click('[data-testid="note-form"] button[type="submit"]');
  await app.browser.waitUntil(
    async () => (await app.browser.$$('[data-testid="request-notes"] li')).length === 1,
    { timeout: 5000, timeoutMsg: "the note did not appear in the thread" },
  );
  await click('[data-testid="request-detail"] [data-event="close"]');
  await click('[data-testid="confirm-status"]');
  await waitForText(app.browser, '[data-testid="request-detail"] [data-testid="request-status"]', "Closed");
  await screenshot(app.browser, "service-request-closed");

  // From the partner-wide queue: the customer first, then the same form.
  await go(app.browser, "requests");
  await click('[data-testid="queue-new-request"]');
  await fill(app.browser, '[data-testid="new-request-customer-search"]', "kowal");
  await click('[data-testid="new-request-customer-choice"]');
  await fill(app.browser, "#request-title", "Teams calls drop");
  await (await app.browser.$("#request-category")).selectByIndex(1);
  await fill(app.browser, "#request-description", "Calls drop after a minute.");
  await fill(app.browser, "#request-contact_name", "Jan Kowalski");
  await click('[data-testid="save-request"]');
  await waitForText(app.browser, '[data-testid="request-detail"] [data-testid="request-status"]', "Draft");
  assert.match(await text(app.browser, '[data-testid="request-detail"] h2'), /SR-\d+ Teams calls drop/);
});

test("limited access sees the subscription but changing it is refused with the reason", async () => {
  limitedPassword = await addStaff(app.browser, { name: LIMITED.name, email: LIMITED.email, access: "limited" });
  await signOut(app.browser);
  await signInFirstTime(app.browser, LIMITED.email, limitedPassword, LIMITED.own);
  await openCustomer(app.browser, "kowalskiserwis");

  await openTab("users");
  await click('tr[data-user-name="jan@kowalskiserwis.onmicrosoft.com"] [data-action="reset_password"]');
  await click('[data-testid="confirm"]');
  const secret = await app.browser.$('[data-testid="temporary-password"]');
  await secret.waitForDisplayed({ timeout: 5000 });
  const temporary = await secret.getValue();
  assert.ok(temporary.length >= 16, `a ${temporary.length}-character password`);
  assert.match(temporary, /[a-z]/);
  assert.match(temporary, /[A-Z]/);
  assert.match(temporary, /[0-9]/);
  await screenshot(app.browser, "customer-user-password");
  await click('[data-testid="close-password"]');
  assert.equal(await (await app.browser.$('[data-testid="temporary-password"]')).isExisting(), false, "shown once");

  await openSubscriptionsTab();
  await openFirstSubscription();
  const disabled = await app.browser.execute(
    () => document.querySelector('[data-testid="change-quantity"]').matches(":disabled"),
  );
  assert.equal(disabled, true, "the form is disabled for limited access");
  assert.match(await text(app.browser, ".actions-box .hint"), /full access to customers/);
  // The core refuses even when the UI is bypassed.
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

test("after every window closed a lower count is refused with the moment the last closed", async () => {
  await app.stop();
  app = { ...(await launch(app.profile, { PARTNERDESK_TEST_CLOCK_SHIFT_DAYS: "8" })), profile: app.profile };
  const started = performance.now();
  await signIn(app.browser, ADMIN.email, ADMIN.password);
  await waitForText(app.browser, '[data-testid="signed-in-user"]', ADMIN.name, 20000);
  console.log(`# sign-in after a restart 8 days ahead: ${Math.round(performance.now() - started)} ms`);
  await openCustomer(app.browser, "kowalskiserwis");
  await openSubscriptionsTab();
  await openFirstSubscription();
  await changeQuantity(7, "");
  const message = await app.browser.$('[data-testid="subscription-detail"] [data-testid="error-message"]');
  await message.waitForDisplayed({ timeout: 5000 });
  assert.match(await message.getText(), /no licences can be removed now: .*\(the last at \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC\)/);
  await screenshot(app.browser, "subscription-window-closed");
  await changeQuantity(12, "new hires");
  await waitForText(app.browser, '[data-testid="subscription-quantity"]', "12");
  await closeDialog();
});

test("with the relationship terminated, administering is refused and audited", async () => {
  await (await app.browser.$('[data-tab="relationships"]')).click();
  await (await app.browser.$('[data-testid="terminate-relationship"]')).click();
  await (await app.browser.$('[data-testid="confirm"]')).click();
  // Microsoft ends it in the minutes after; administering stops at once (decision 0045).
  await waitForText(app.browser, '[data-testid="relationship-state"]', "Termination requested");
  await openSubscriptionsTab();
  await openFirstSubscription();
  // The changes are disabled up front, with the core's reason for this customer.
  await app.browser.waitUntil(
    () => app.browser.execute(() => document.querySelector('[data-testid="change-quantity"]')?.matches(":disabled") === true),
    { timeout: 5000, timeoutMsg: "changing the subscription stayed enabled without a relationship" },
  );
  assert.match(await text(app.browser, ".actions-box .hint"), /no active delegated-administration relationship/);
  await screenshot(app.browser, "subscription-no-relationship");
  await closeDialog();

  await openTab("users");
  await (await app.browser.$('[data-testid="users-reason"]')).waitForDisplayed({ timeout: 5000 });
  assert.match(await text(app.browser, '[data-testid="users-reason"]'), /active delegated-administration relationship/i);
  await openTab("requests");
  const newRequest = await app.browser.$('[data-testid="new-request"]');
  await newRequest.waitForDisplayed({ timeout: 5000 });
  assert.match(await newRequest.getAttribute("title"), /active delegated-administration relationship/i);
  await screenshot(app.browser, "requests-terminated");
  // The queue's new request says the same as soon as the customer is chosen.
  await go(app.browser, "requests");
  await click('[data-testid="queue-new-request"]');
  await fill(app.browser, '[data-testid="new-request-customer-search"]', "kowal");
  await click('[data-testid="new-request-customer-choice"]');
  await (await app.browser.$('[data-testid="new-request-reason"]')).waitForDisplayed({ timeout: 5000 });
  assert.match(await text(app.browser, '[data-testid="new-request-reason"]'), /active delegated-administration relationship/i);
  assert.equal(await (await app.browser.$("#request-title")).isExisting(), false, "no form to type into");
  await (await app.browser.$('[data-testid="new-request-dialog"] .dialog-actions button')).click();
  await openCustomer(app.browser, "kowalskiserwis");

  // Bypassing the UI changes nothing: each command is refused with the reason.
  const customer = await customerId();
  const subscription = await firstSubscriptionOf(customer);
  const quantity = await bypass("change_subscription_quantity", { id: subscription, quantity: 13, reason: "" });
  assert.equal(quantity?.reason, "no_active_relationship", JSON.stringify(quantity));
  const users = await bypass("create_customer_user", {
    customerId: customer,
    input: { display_name: "Eve", user_name: "eve@kowalskiserwis.onmicrosoft.com", first_name: "", last_name: "", job_title: "", admin_role: "none" },
  });
  assert.equal(users?.reason, "no_active_relationship", JSON.stringify(users));
  const request = await bypass("create_service_request", {
    customerId: customer,
    input: {
      title: "x",
      description: "x",
      category: "other",
      severity: "minimal",
      contact_name: "Jan",
      contact_email: "jan@kowalskiserwis.pl",
      contact_phone: "",
    },
  });
  assert.equal(request?.reason, "no_active_relationship", JSON.stringify(request));

  await go(app.browser, "audit");
  await (await app.browser.$('[data-testid="audit-table"]')).waitForDisplayed({ timeout: 5000 });
  const refusals = await app.browser.execute(() =>
    [...document.querySelectorAll('[data-testid="audit-table"] tbody tr')]
      .filter((tr) => tr.dataset.outcome === "refused")
      .map((tr) => tr.dataset.action),
  );
  for (const action of ["subscription.quantity", "customer_user.create", "service_request.create"]) {
    assert.ok(refusals.includes(action), `${action} refused and audited: ${JSON.stringify(refusals)}`);
  }
  await screenshot(app.browser, "audit-refusals");
});
