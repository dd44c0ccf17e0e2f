// Issue 3 end to end: first run → wizard → sign in → add a billing admin →
// sign out → sign in as the billing admin → the company profile is read-only
// and staff admin actions are refused with the reason → the audit log (as
// global admin) shows each action with the actor's name → verify says intact.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { launch, removeProfile, screenshot } from "./app.mjs";
import { ADMIN, completeWizard, go, signIn, signOut, text, waitForText } from "./flows.mjs";

let app;
let billingPassword;
const BILLING = { name: "Bartek Billing", email: "bartek@contoso.pl", own: "bartek's own password" };

before(async () => {
  app = await launch();
});

after(async () => {
  await app?.stop();
  if (app) removeProfile(app.profile);
});

test("the wizard creates the company and the first global admin, who then signs in", async () => {
  await completeWizard(app.browser);
  assert.equal(await text(app.browser, '[data-testid="company-link"]'), "Contoso Partner Sp. z o.o.");
  await screenshot(app.browser, "dashboard-after-setup");
  await signOut(app.browser);

  await signIn(app.browser, ADMIN.email, "not the password");
  await waitForText(
    app.browser,
    '[data-testid="sign-in"] [data-testid="error-message"]',
    "The e-mail address or the password is not correct.",
  );
  await signIn(app.browser, ADMIN.email, ADMIN.password);
  await waitForText(app.browser, '[data-testid="signed-in-user"]', ADMIN.name);
});

test("the global admin adds a billing admin and sees the temporary password once", async () => {
  await go(app.browser, "staff");
  await waitForText(app.browser, "main h1", "Users");
  await (await app.browser.$('[data-testid="add-staff"]')).click();
  await (await app.browser.$("#staff-name")).setValue(BILLING.name);
  await (await app.browser.$("#staff-email")).setValue(BILLING.email);
  await (await app.browser.$("#staff-role")).selectByAttribute("value", "billing_admin");
  await (await app.browser.$('[data-testid="staff-form"] button[type="submit"]')).click();
  const secret = await app.browser.$('[data-testid="temporary-password"]');
  await secret.waitForDisplayed({ timeout: 5000 });
  billingPassword = await secret.getValue();
  assert.equal(billingPassword.length, 16);
  await screenshot(app.browser, "staff-temporary-password");
  await (await app.browser.$('[data-testid="close-password"]')).click();
  await (await app.browser.$(`tr[data-staff-email="${BILLING.email}"]`)).waitForDisplayed({ timeout: 5000 });
  await screenshot(app.browser, "staff-list");
  await signOut(app.browser);
});

test("the billing admin replaces the temporary password and meets read-only screens with reasons", async () => {
  await signIn(app.browser, BILLING.email, billingPassword);
  await (await app.browser.$('[data-testid="change-password"]')).waitForDisplayed({ timeout: 5000 });
  await (await app.browser.$("#pw-current")).setValue(billingPassword);
  await (await app.browser.$("#pw-new")).setValue(BILLING.own);
  await (await app.browser.$("#pw-repeat")).setValue(BILLING.own);
  await (await app.browser.$('[data-testid="change-password"] button[type="submit"]')).click();
  await waitForText(app.browser, '[data-testid="signed-in-user"]', BILLING.name);

  await (await app.browser.$('[data-testid="company-link"]')).click();
  await waitForText(app.browser, "main h1", "Company profile");
  const readOnly = await text(app.browser, '[data-testid="read-only"]');
  assert.match(readOnly, /Allowed only for: Global admin\./);
  // WebKitWebDriver ignores a disabled <fieldset> in isEnabled(); ask the DOM.
  assert.equal(
    await app.browser.execute(() => document.querySelector("#company-legal_name").matches(":disabled")),
    true,
  );
  await screenshot(app.browser, "company-read-only");

  const users = await app.browser.$('[data-screen="staff"]');
  assert.equal(await users.getAttribute("aria-disabled"), "true");
  assert.match(
    await users.getAttribute("title"),
    /Allowed only for: Global admin, User management admin, Password admin\./,
  );

  // The core refuses even when the UI is bypassed, and says why.
  const refusal = await app.browser.executeAsync((done) => {
    window.__TAURI_INTERNALS__
      .invoke("create_staff", {
        input: { display_name: "Mallory", email: "mallory@contoso.pl", role: "global_admin", customer_access: "full" },
      })
      .then(() => done(null), (e) => done(e));
  });
  assert.equal(refusal?.code, "forbidden");
  assert.equal(refusal?.reason, "role_required");
  assert.match(refusal?.message, /Only global admins may/);
  await signOut(app.browser);
});

test("the audit log shows each action with its actor, and the chain verifies intact", async () => {
  await signIn(app.browser, ADMIN.email, ADMIN.password);
  await waitForText(app.browser, '[data-testid="signed-in-user"]', ADMIN.name);
  await go(app.browser, "audit");
  await waitForText(app.browser, "main h1", "Audit log");
  await (await app.browser.$('[data-testid="audit-table"]')).waitForDisplayed({ timeout: 5000 });
  const rows = await app.browser.execute(() =>
    [...document.querySelectorAll('[data-testid="audit-table"] tbody tr')].map((tr) => ({
      action: tr.dataset.action,
      outcome: tr.dataset.outcome,
      actor: tr.querySelector('[data-testid="audit-actor"]').textContent.trim(),
    })),
  );
  const has = (action, outcome, actor) =>
    rows.some((r) => r.action === action && r.outcome === outcome && r.actor === actor);
  assert.ok(has("setup.complete", "done", ADMIN.name), JSON.stringify(rows));
  assert.ok(has("staff.create", "done", ADMIN.name));
  assert.ok(has("session.sign_in", "failed", "(not signed in)"));
  assert.ok(has("staff.change_own_password", "done", BILLING.name));
  assert.ok(has("staff.view", "refused", BILLING.name) || has("staff.create", "refused", BILLING.name));
  assert.ok(has("staff.create", "refused", BILLING.name));

  await (await app.browser.$('[data-testid="verify-audit"]')).click();
  await app.browser.waitUntil(
    async () => (await text(app.browser, '[data-testid="audit-status"]')).startsWith("Intact"),
    { timeout: 5000, timeoutMsg: "verify did not report intact" },
  );
  await screenshot(app.browser, "audit-log");
});
