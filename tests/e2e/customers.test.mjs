// Issue 4 end to end: create a customer → search finds it by a
// diacritics-free fragment → offer delegated administration → copy link →
// record acceptance → the relationship is active and the list filter shows it.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { launch, removeProfile, screenshot } from "./app.mjs";
import { completeWizard, go, text, waitForText } from "./flows.mjs";

let app;

before(async () => {
  app = await launch();
  await completeWizard(app.browser);
});

after(async () => {
  await app?.stop();
  if (app) removeProfile(app.profile);
});

async function fill(selector, value) {
  const input = await app.browser.$(selector);
  await input.waitForDisplayed({ timeout: 5000 });
  await input.clearValue();
  await input.setValue(value);
}

async function listed() {
  return app.browser.execute(() =>
    [...document.querySelectorAll("[data-customer]")].map((row) => row.dataset.customer),
  );
}

async function waitForListed(expected) {
  await app.browser.waitUntil(async () => JSON.stringify(await listed()) === JSON.stringify(expected), {
    timeout: 5000,
    timeoutMsg: `the list never showed ${JSON.stringify(expected)} (last: ${JSON.stringify(await listed())})`,
  });
}

test("a new customer is found by a fragment without diacritics", async () => {
  await go(app.browser, "customers");
  await waitForText(app.browser, "main h1", "Customers");
  for (const [name, domain] of [["Żółć Sp. z o.o.", "zolc"], ["Fabrikam Polska", "fabrikampl"]]) {
    await (await app.browser.$('[data-testid="add-customer"]')).click();
    await fill("#customer-company_name", name);
    await fill("#customer-default_domain", domain);
    await fill("#customer-contact_email", `it@${domain}.pl`);
    await (await app.browser.$('[data-testid="customer-form"] button[type="submit"]')).click();
    await waitForText(app.browser, '[data-testid="customer-name"]', name);
    await (await app.browser.$("button.link")).click();
  }
  await waitForListed(["fabrikampl.onmicrosoft.com", "zolc.onmicrosoft.com"]);
  await fill('[data-testid="customer-search"]', "zolc sp");
  await waitForListed(["zolc.onmicrosoft.com"]);
  await screenshot(app.browser, "customers-search");
});

test("delegated administration is offered, linked, accepted and shows in the filter", async () => {
  await (await app.browser.$('[data-customer="zolc.onmicrosoft.com"]')).click();
  await waitForText(app.browser, '[data-testid="customer-name"]', "Żółć Sp. z o.o.");
  assert.equal(await text(app.browser, '[data-testid="context-customer"]'), "Żółć Sp. z o.o.");
  await (await app.browser.$('[data-tab="relationships"]')).click();
  await (await app.browser.$('[data-testid="offer-relationship"]')).click();
  await fill("#offer-name", "Żółć helpdesk");
  await (await app.browser.$('[data-testid="offer-form"] button[type="submit"]')).click();

  const link = await app.browser.$('[data-testid="approval-link"]');
  await link.waitForDisplayed({ timeout: 5000 });
  assert.match(
    await link.getValue(),
    /^https:\/\/admin\.microsoft\.com\/AdminPortal\/Home#\/partners\/invitation\/granularAdminRelationships\/[0-9a-f-]{36}$/,
  );
  await (await app.browser.$('[data-testid="copy-link"]')).click();
  await screenshot(app.browser, "relationship-pending");

  await (await app.browser.$('[data-testid="record-acceptance"]')).click();
  await (await app.browser.$('[data-testid="confirm-acceptance"]')).click();
  await waitForText(app.browser, '[data-testid="relationship-state"]', "Approved, Microsoft activating soon");
  await screenshot(app.browser, "relationship-active");

  await (await app.browser.$('[data-tab="activity"]')).click();
  await app.browser.waitUntil(
    async () => (await app.browser.$$("[role=tabpanel] tbody tr")).length >= 3,
    { timeout: 5000, timeoutMsg: "the activity tab did not list the customer's entries" },
  );

  await go(app.browser, "customers");
  // Typing, not clearValue(): WebKit's clear fires no input event.
  await (await app.browser.$('[data-testid="customer-search"]')).click();
  await app.browser.keys(["Control", "a"]);
  await app.browser.keys(["Backspace"]);
  await waitForListed(["fabrikampl.onmicrosoft.com", "zolc.onmicrosoft.com"]);
  await (await app.browser.$('select[aria-label="Delegated administration"]')).selectByAttribute("value", "approved");
  await waitForListed(["zolc.onmicrosoft.com"]);
  await (await app.browser.$('select[aria-label="Delegated administration"]')).selectByAttribute("value", "none");
  await waitForListed(["fabrikampl.onmicrosoft.com"]);

  await (await app.browser.$('[data-testid="context-clear"]')).click();
  assert.equal(await text(app.browser, '[data-testid="context"] .context-value'), "My company");
});

test("past 100 customers the search box takes focus first, and scrolling reaches the last of 500", async () => {
  // Imported through the same command the import dialog uses.
  const rows = Array.from({ length: 500 }, (_, i) => {
    const n = String(i + 1).padStart(3, "0");
    return `Klient ${n},klient${n},it@klient${n}.pl`;
  });
  // The file's bytes cross as base64 (decision 0037).
  const bytes = Buffer.from(["company_name,default_domain,contact_email", ...rows].join("\n")).toString("base64");
  const report = await app.browser.executeAsync((bytes, done) => {
    window.__TAURI_INTERNALS__
      .invoke("import_customers", { import: { file: { bytes } }, mode: "all_or_nothing" })
      .then(done, (e) => done(e));
  }, bytes);
  assert.equal(report.imported, 500, JSON.stringify(report).slice(0, 300));

  await go(app.browser, "dashboard");
  await go(app.browser, "customers");
  await waitForText(app.browser, '[data-testid="customer-count"]', "Customers: 502");
  await app.browser.waitUntil(
    () => app.browser.execute(() => document.activeElement?.dataset.testid === "customer-search"),
    { timeout: 5000, timeoutMsg: "the search box did not take focus with over 100 customers" },
  );
  // Scrolling to the end pulls the next keyset pages in until the last customer shows.
  await app.browser.waitUntil(
    async () => {
      await app.browser.execute(() => {
        const list = document.querySelector(".virtual-list");
        list.scrollTop = list.scrollHeight;
      });
      return (await listed()).includes("zolc.onmicrosoft.com");
    },
    { timeout: 15000, interval: 200, timeoutMsg: "scrolling never reached the last customer" },
  );
  const shown = await listed();
  assert.ok(shown.length < 120, `only the rows on screen exist in the page: ${shown.length}`);
  await screenshot(app.browser, "customers-scrolled-to-end");
});
