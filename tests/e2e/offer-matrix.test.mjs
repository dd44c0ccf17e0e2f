// Issue 11/12 end to end: Microsoft's offer matrix imported through the
// shared import command, its ceiling shown where staff change a licence
// count, and a count past it refused by the core in Microsoft's words.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { launch, removeProfile, screenshot } from "./app.mjs";
import { activateRelationship, addCustomer, completeWizard, fill, go, waitForText } from "./flows.mjs";

let app;

before(async () => {
  app = await launch();
  await completeWizard(app.browser);
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

async function invoke(command, args) {
  return app.browser.executeAsync(
    (name, payload, done) => {
      window.__TAURI_INTERNALS__.invoke(name, payload).then((v) => done({ ok: v }), (e) => done({ err: e }));
    },
    command,
    args,
  );
}

test("an imported MaxLicenses is shown beside the licence count and refuses a count past it", async () => {
  // Polish Excel's shape: semicolons, SkuId saved as 1.
  const csv = "ProductId;SkuId;MinLicenses;MaxLicenses\r\nCFQ7TTC0LFLX;1;1;10\r\n";
  const file = { bytes: Buffer.from(csv, "utf8").toString("base64") };
  const preview = await invoke("preview_offer_matrix_import", { file });
  assert.deepEqual([preview.ok.rows, preview.ok.valid], [1, 1], JSON.stringify(preview));
  const report = await invoke("import_offer_matrix", { file, mode: "all_or_nothing" });
  assert.equal(report.ok.imported, 1, JSON.stringify(report));
  await go(app.browser, "catalog");
  // The three Business plans ship with their rows; E3 is the fourth.
  await waitForIncludes('[data-testid="offer-matrix-count"]', "Offer matrix: 4 SKUs");

  await addCustomer(app.browser, "Nowak Biuro", "nowakbiuro");
  await activateRelationship(app.browser, "Nowak – GDAP");
  await (await app.browser.$('[data-tab="subscriptions"]')).click();
  await (await app.browser.$('[data-testid="add-subscription"]')).click();
  const service = await app.browser.$("#sub-service");
  await service.waitForDisplayed({ timeout: 5000 });
  await service.selectByVisibleText("Microsoft 365 E3 (sample price)");
  await fill(app.browser, "#sub-quantity", "8");
  await (await app.browser.$('[data-testid="save-subscription"]')).click();
  await waitForText(app.browser, '[data-testid="subscription-quantity"]', "8");
  await waitForIncludes('[data-testid="seat-room"]', "Up to 2 more licences.");
  await waitForIncludes('[data-testid="seat-room"]', "Nowak Biuro already holds 8");
  await fill(app.browser, '[data-testid="new-quantity"]', "11");
  await (await app.browser.$('[data-testid="change-quantity"]')).click();
  await waitForIncludes("body", "The requested number of 3 seats exceeds the remaining limit of 2 seats");
  await screenshot(app.browser, "seat-ceiling-refused");
  await waitForText(app.browser, '[data-testid="subscription-quantity"]', "8");
});
