// Issue 12 end to end: a trial is Microsoft's 25 licences for 30 days and
// converts at its end as staff schedule it (or just ends when switched off);
// the partner of record is claimed per workload on the customer screen and
// the customer's decline is recorded there. Each step is the core's answer.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { launch, removeProfile, screenshot } from "./app.mjs";
import { activateRelationship, addCustomer, clickWhenReady, completeWizard, fill, waitForText } from "./flows.mjs";

let app;

before(async () => {
  app = await launch();
  await completeWizard(app.browser);
  await addCustomer(app.browser, "Nowak Biuro", "nowakbiuro");
  await activateRelationship(app.browser, "Nowak – GDAP");
});

after(async () => {
  await app?.stop();
  if (app) removeProfile(app.profile);
});

async function waitForIncludes(selector, expected) {
  await app.browser.waitUntil(
    async () => {
      const element = await app.browser.$(selector);
      return (await element.isExisting()) && (await element.getText()).includes(expected);
    },
    { timeout: 5000, timeoutMsg: `${selector} never showed "${expected}"` },
  );
}

test("a trial converts by Microsoft's default, staff change or switch off the conversion, and it cannot be suspended", async () => {
  const b = app.browser;
  await (await b.$('[data-tab="subscriptions"]')).click();
  await clickWhenReady(b, '[data-testid="add-subscription"]');
  const service = await b.$("#sub-service");
  await service.waitForDisplayed({ timeout: 5000 });
  await service.selectByVisibleText("Microsoft 365 Business Basic (sample price)");
  await clickWhenReady(b, '[data-testid="start-trial"]');
  assert.equal(await (await b.$('[data-testid="convert-at-end"]')).isSelected(), true);
  assert.equal(await (await b.$("#sub-quantity")).getValue(), "25");
  await (await b.$('[data-testid="save-subscription"]')).click();
  await waitForText(b, '[data-testid="subscription-quantity"]', "25");
  await waitForIncludes('[data-testid="subscription-conversion"]', "25 licences · 1 year");
  assert.equal(await (await b.$('[data-testid="suspend"]')).isExisting(), false, "no suspend for a trial");

  await fill(b, '[data-testid="conversion-quantity"]', "10");
  await (await b.$('[data-testid="schedule-conversion"]')).click();
  await waitForIncludes('[data-testid="subscription-conversion"]', "10 licences");
  await waitForIncludes('[data-testid="subscription-history"]', "Conversion to paid scheduled");
  await screenshot(b, "trial-conversion-setting");

  await clickWhenReady(b, '[data-testid="clear-conversion"]');
  await waitForIncludes('[data-testid="subscription-conversion"]', "the trial just ends");
  await b.keys("Escape");
});

test("the customer screen claims a workload, records the customer's decline, and the label is Polish in Polish", async () => {
  const b = app.browser;
  await (await b.$('[data-tab="por"]')).click();
  const row = '[data-testid="por-workloads"] [data-workload="microsoft_365"]';
  await waitForIncludes(row, "not claimed");
  await clickWhenReady(b, `${row} [data-testid="por-claim"]`);
  await waitForIncludes(row, "claimed");
  await waitForIncludes(row, "Anna Admin");
  await screenshot(b, "por-workloads-claimed");
  await fill(b, `${row} [data-testid="por-reason"]`, "opted out by e-mail");
  await clickWhenReady(b, `${row} [data-testid="por-decline"]`);
  await waitForIncludes(row, "declined by the customer");
  await waitForIncludes(row, "opted out by e-mail");
  await screenshot(b, "por-workloads-declined");

  const settings = await b.executeAsync((done) => {
    window.__TAURI_INTERNALS__.invoke("update_settings", { update: { language: "pl" } }).then(done, done);
  });
  assert.ok(settings);
  await b.refresh();
  await (await b.$("nav.sidebar")).waitForDisplayed({ timeout: 10000 });
  await (await b.$('a[data-screen="customers"]')).click();
  await clickWhenReady(b, '[data-customer="nowakbiuro.onmicrosoft.com"]');
  await clickWhenReady(b, '[data-tab="por"]');
  await waitForIncludes('[data-tab="por"]', "Zarejestrowany partner (POR)");
  await waitForIncludes(row, "odrzucony przez klienta");
  await screenshot(b, "por-workloads-pl");
});
