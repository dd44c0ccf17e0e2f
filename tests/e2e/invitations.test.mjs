// Issue 6 end to end, trial invitations: one invitation with delegated
// administration, sent by e-mail (the mail client replaced by a recorder),
// then signed up to by two different customers through the same link.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { freshProfile, launch, removeProfile, screenshot } from "./app.mjs";
import { addCustomer, clickWhenReady, completeWizard, fill, go, setPartnerId, text, waitForText } from "./flows.mjs";

let app;
let mailLog;

before(async () => {
  const profile = freshProfile();
  mailLog = join(profile.root, "mail.log");
  app = await launch(profile, { PARTNERDESK_TEST_MAIL_RECORDER: mailLog });
  await completeWizard(app.browser);
});

after(async () => {
  await app?.stop();
  if (app) removeProfile(app.profile);
});

const click = (selector) => clickWhenReady(app.browser, selector);

async function signupRows() {
  return (await app.browser.$$('[data-testid="invitation-signups"] tbody tr')).length;
}

test("the partner ID is recorded, so invitation links can carry it", async () => {
  await setPartnerId(app.browser, "1234567");
  // An existing customer, who will sign up through the same link as a new one.
  await addCustomer(app.browser, "Beta Handel", "betahandel");
});

test("a trial invitation with delegated administration is drafted, activated and sent", async () => {
  await go(app.browser, "invitations");
  await click('[data-testid="new-invitation"]');
  await fill(app.browser, '[data-testid="invitation-name"]', "Business Basic – autumn");
  await (await app.browser.$('[data-testid="invitation-service"]')).selectByIndex(1);
  await click('[data-testid="invitation-include-relationship"]');
  await click('[data-testid="save-invitation"]');
  await waitForText(app.browser, '[data-testid="invitation-state"]', "Draft");
  await click('[data-testid="activate-invitation"]');
  await click('[data-testid="confirm"]');
  await waitForText(app.browser, '[data-testid="invitation-state"]', "Active");
  const link = await (await app.browser.$('[data-testid="invitation-link"]')).getValue();
  assert.match(link, /^https:\/\/portal\.office\.com\/partner\/partnersignup\.aspx\?type=Trial&id=[0-9a-f-]{36}&msppid=1234567$/);

  await fill(app.browser, '[data-testid="invitation-recipients"]', "it@alfatrial.pl, it@betahandel.pl");
  await click('[data-testid="send-invitation"]');
  await app.browser.waitUntil(
    async () => (await app.browser.$$('[data-testid="invitation-recipients-table"] tbody tr')).length === 2,
    { timeout: 5000, timeoutMsg: "the recipients were not recorded" },
  );
  const sent = readFileSync(mailLog, "utf8");
  assert.match(sent, /^mailto:it%40alfatrial\.pl,it%40betahandel\.pl\?subject=/m);
  assert.ok(sent.includes(encodeURIComponent(link).replaceAll("%20", "%20")), "the mail carries the link");
  await screenshot(app.browser, "invitation-active");
});

test("two customers sign up through the one link: each gets the trial and an approved relationship", async () => {
  await click('[data-testid="record-signup"]');
  await click('[data-testid="signup-new"]');
  await fill(app.browser, '[data-testid="signup-company_name"]', "Alfa Trial");
  await fill(app.browser, '[data-testid="signup-default_domain"]', "alfatrial");
  await fill(app.browser, '[data-testid="signup-contact_email"]', "it@alfatrial.pl");
  await click('[data-testid="confirm-signup"]');
  await app.browser.waitUntil(async () => (await signupRows()) === 1, {
    timeout: 5000,
    timeoutMsg: "the first sign-up was not listed",
  });

  await click('[data-testid="record-signup"]');
  await click('[data-testid="signup-existing"]');
  await fill(app.browser, '[data-testid="signup-customer-search"]', "beta");
  await click('[data-testid="signup-customer-choice"]');
  await click('[data-testid="confirm-signup"]');
  await app.browser.waitUntil(async () => (await signupRows()) === 2, {
    timeout: 5000,
    timeoutMsg: "the second sign-up was not listed",
  });
  await screenshot(app.browser, "invitation-signups");

  await go(app.browser, "subscriptions");
  await waitForText(app.browser, '[data-testid="subscription-count"]', "Subscriptions: 2");
  await go(app.browser, "customers");
  // Approved at sign-up; Microsoft activates it in the minutes after (decision 0045).
  await (await app.browser.$('select[aria-label="Delegated administration"]')).selectByAttribute("value", "approved");
  await app.browser.waitUntil(
    async () =>
      JSON.stringify(
        await app.browser.execute(() => [...document.querySelectorAll("[data-customer]")].map((r) => r.dataset.customer)),
      ) === JSON.stringify(["alfatrial.onmicrosoft.com", "betahandel.onmicrosoft.com"]),
    { timeout: 5000, timeoutMsg: "both customers should have an approved relationship" },
  );
  assert.equal(await text(app.browser, '[data-testid="customer-count"]'), "Customers: 2");
});
