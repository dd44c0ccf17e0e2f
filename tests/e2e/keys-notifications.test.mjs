// Issue 7 end to end: product keys imported with one bad and one duplicate
// line (the report names both), one redeemed for a customer with a
// delegated-administration request, the partner recorded as partner of
// record, a quantity change notifying, and the dashboard calendar showing
// the subscription's end.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { launch, removeProfile, screenshot } from "./app.mjs";
import { addCustomer, clickWhenReady, completeWizard, fill, go, openCustomer, text, waitForText } from "./flows.mjs";

const FIRST = "BCDFG-HJKMP-QRTVW-XY234-6789B";
const SECOND = "CDFGH-JKMPQ-RTVWX-Y2346-789BC";
let app;

before(async () => {
  app = await launch();
  await completeWizard(app.browser);
});

after(async () => {
  await app?.stop();
  if (app) removeProfile(app.profile);
});

const click = (selector) => clickWhenReady(app.browser, selector);

test("an import with a bad and a duplicate line names both lines and keeps the good keys", async () => {
  await addCustomer(app.browser, "Epsilon IT", "epsilonit");
  await go(app.browser, "keys");
  await click('[data-testid="keys-import"]');
  await (await app.browser.$("#import-term")).selectByAttribute("value", "P1M");
  await fill(app.browser, "#import-quantity", "15");
  // Line 4 is line 1 again, typed in lower case without hyphens.
  // WebKitWebDriver drops newlines from typed text, so the lines are pasted through the DOM.
  await app.browser.execute((value) => {
    const box = document.querySelector('[data-testid="import-paste"]');
    box.value = value;
    box.dispatchEvent(new Event("input", { bubbles: true }));
  }, [FIRST, "AAAAA-AAAAA-AAAAA-AAAAA-AAAAA", SECOND, "bcdfghjkmpqrtvwxy2346789b"].join("\n"));
  await click('[data-testid="import-paste-preview"]');
  const problems = await app.browser.$('[data-testid="import-dialog"] .problems');
  await problems.waitForDisplayed({ timeout: 5000 });
  const rows = await app.browser.execute(() =>
    [...document.querySelectorAll('[data-testid="import-dialog"] .problems tbody tr')].map((tr) =>
      [...tr.querySelectorAll("td")].map((td) => td.textContent.trim()),
    ),
  );
  await screenshot(app.browser, "keys-import-report");
  assert.equal(rows.length, 2, JSON.stringify(rows));
  assert.equal(rows[0][0], "2");
  assert.equal(rows[1][0], "4");
  assert.match(rows[1][2], /line 1/, JSON.stringify(rows));
  await screenshot(app.browser, "keys-import-report");
  await click('[data-testid="import-dialog"] .dialog-actions button.primary');
  await app.browser.waitUntil(
    async () => (await app.browser.$$('[data-testid="key-text"]')).length === 2,
    { timeout: 5000, timeoutMsg: "the two good keys were not imported" },
  );
  await app.browser.keys(["Escape"]);
});

test("a key is redeemed for a customer with a delegated-administration request", async () => {
  await click('[data-testid="key-redeem"]');
  await fill(app.browser, '[data-testid="redeem-customer-search"]', "epsilon");
  await click('[data-testid="redeem-customer-choice"]');
  await click('[data-testid="redeem-mode-new_subscription"]');
  await click('[data-testid="redeem-delegated"]');
  await click('[data-testid="redeem-submit"]');
  await app.browser.waitUntil(
    async () => (await app.browser.$$('[data-testid="key-redeem"]')).length === 1,
    { timeout: 5000, timeoutMsg: "the key was not redeemed" },
  );
  // The other key, to add licences: the subscription the first one made is offered, chosen.
  await click('[data-testid="key-redeem"]');
  await fill(app.browser, '[data-testid="redeem-customer-search"]', "epsilon");
  await click('[data-testid="redeem-customer-choice"]');
  await click('[data-testid="redeem-mode-add_licences"]');
  await (await app.browser.$('[data-testid="redeem-target"]')).waitForDisplayed({ timeout: 5000 });
  const targets = await app.browser.execute(() =>
    [...document.querySelectorAll('[data-testid="redeem-target"]')].map((input) => [input.checked, input.parentElement.textContent]),
  );
  assert.equal(targets.length, 1, JSON.stringify(targets));
  assert.equal(targets[0][0], true, "the only live subscription is preselected");
  assert.match(targets[0][1], /licences: 15/);
  await screenshot(app.browser, "key-redeem-target");
  await app.browser.keys(["Escape"]);
  await openCustomer(app.browser, "epsilonit");
  await (await app.browser.$('[data-tab="relationships"]')).click();
  await waitForText(app.browser, '[data-testid="relationship-state"]', "Approval pending");
  await (await app.browser.$('[data-tab="subscriptions"]')).click();
  await (await app.browser.$("[data-subscription]")).waitForDisplayed({ timeout: 5000 });
  await screenshot(app.browser, "key-redeemed");
});

test("as partner of record, a quantity change notifies and the calendar shows the end", async () => {
  // The customer approves the relationship; administering needs it active.
  await (await app.browser.$('[data-tab="relationships"]')).click();
  await click('[data-testid="record-acceptance"]');
  await click('[data-testid="confirm-acceptance"]');
  await waitForText(app.browser, '[data-testid="relationship-state"]', "Approved, Microsoft activating soon");

  await (await app.browser.$('[data-tab="subscriptions"]')).click();
  await click("[data-subscription]");
  await waitForText(app.browser, '[data-testid="subscription-quantity"]', "15");
  await click('[data-testid="por-toggle"]');
  await waitForText(app.browser, '[data-testid="por-toggle"]', "Clear partner of record");
  await fill(app.browser, '[data-testid="new-quantity"]', "20");
  await click('[data-testid="change-quantity"]');
  await waitForText(app.browser, '[data-testid="subscription-quantity"]', "20");
  const ends = await app.browser.execute(() => document.querySelector('[data-testid="subscription-detail"] .facts')?.textContent ?? "");
  await app.browser.keys(["Escape"]);

  const count = await app.browser.$('[data-testid="notification-count"]');
  await count.waitForDisplayed({ timeout: 10000 });
  await click('[data-testid="notification-bell"]');
  await (await app.browser.$('[data-testid="notification"]')).waitForDisplayed({ timeout: 5000 });
  const texts = await app.browser.execute(() =>
    [...document.querySelectorAll('[data-testid="notification"]')].map((item) => item.textContent),
  );
  assert.ok(texts.some((t) => /15.*20/.test(t)), `a notification of the change 15 → 20: ${JSON.stringify(texts)}`);
  await screenshot(app.browser, "notifications");
  // "Open" shows the subscription the notification is about.
  await click('[data-testid="notification"] button');
  await waitForText(app.browser, '[data-testid="subscription-quantity"]', "20");
  await app.browser.keys(["Escape"]);

  await go(app.browser, "dashboard");
  const calendar = await app.browser.$('[data-testid="expiry-calendar"]');
  await calendar.waitForDisplayed({ timeout: 5000 });
  const entries = await app.browser.execute(() =>
    [...document.querySelectorAll('[data-testid="expiry-calendar"] li')].map((li) => ({
      date: li.querySelector("time")?.getAttribute("datetime"),
      text: li.textContent,
    })),
  );
  const month = new Date();
  month.setUTCMonth(month.getUTCMonth() + 1);
  const expected = month.toISOString().slice(0, 7);
  assert.ok(
    entries.some((e) => e.text.includes("Epsilon IT") && e.date?.startsWith(expected)),
    `the subscription's end (${expected}) on the calendar: ${JSON.stringify(entries)} / ${ends}`,
  );
  await screenshot(app.browser, "dashboard-calendar");
});
