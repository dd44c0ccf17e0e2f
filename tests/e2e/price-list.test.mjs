// Issue 11 end to end: Microsoft's price list through the shared import
// dialog — the preview says what it adds, changes and schedules and names a
// bad row by line, column and value; the valid rows are imported; the
// catalog shows the price in force, the scheduled one with its date, the
// suggested retail price, the trial offer and the description as text.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { launch, removeProfile, screenshot } from "./app.mjs";
import { clickWhenReady, completeWizard, go, text, waitForText } from "./flows.mjs";

let app;

before(async () => {
  app = await launch();
  await completeWizard(app.browser);
});

after(async () => {
  await app?.stop();
  if (app) removeProfile(app.profile);
});

const HEADER =
  "ChangeIndicator,ProductTitle,ProductId,SkuId,SkuTitle,Publisher,SkuDescription,UnitOfMeasure,TermDuration,BillingPlan,Market,Currency,UnitPrice,PricingTierRangeMin,PricingTierRangeMax,EffectiveStartDate,EffectiveEndDate,Tags,ERP Price,Segment";
const year = new Date().getUTCFullYear();
const since = `${year - 1}-01-01T00:00:00.0000000Z`;
const next = `${year + 1}-01-01T00:00:00.0000000Z`;
const open = "9999-11-30T23:59:59.0000000Z";
const describe = '"<p>Best for businesses that need <b>professional email</b> &amp; Teams.</p><ul><li>Exchange</li></ul>"';
const rows = [
  `Unchanged,Microsoft 365 E3,CFQ7TTC0MM8R,0002,Microsoft 365 E3,Microsoft Corporation,${describe},,P1Y,Annual,PL,PLN,3393.90,,,${since},${open},License,4242.36,Commercial`,
  `Unchanged,Microsoft 365 E3,CFQ7TTC0MM8R,0002,Microsoft 365 E3,Microsoft Corporation,${describe},,P1Y,Annual,PL,PLN,3600.00,,,${next},${open},License,4500.00,Commercial`,
  `Unchanged,Microsoft 365 E3,CFQ7TTC0MM8R,0002,Microsoft 365 E3,Microsoft Corporation,${describe},,P1Y,Annual,PL,PLN,1200.00,,,${since},${open},License,,Education`,
  `Unchanged,Microsoft 365 E3 Trial,CFQ7TTC0MM8R,0002,Microsoft 365 E3 Trial,Microsoft Corporation,Trial,,P1M,None,PL,PLN,0,,,${since},${open},License; Trial,,Commercial`,
  `Unchanged,Broken,CFQ7TTC0ZZZZ,0001,Broken,Microsoft Corporation,,,P1M,Monthly,PL,PLN,"12,5x",,,${since},${open},License,,Commercial`,
];

test("the price list is previewed, imported and shown with its scheduled and retail prices", async () => {
  await go(app.browser, "catalog");
  await clickWhenReady(app.browser, '[data-testid="catalog-import"]');
  // A chosen file, handed to the dialog's file input as the browser would.
  await app.browser.execute((csv) => {
    const input = document.querySelector('[data-testid="import-dialog"][open] input[type="file"]');
    const files = new DataTransfer();
    files.items.add(new File([csv], "price-list.csv", { type: "text/csv" }));
    input.files = files.files;
    input.dispatchEvent(new Event("change", { bubbles: true }));
  }, [HEADER, ...rows].join("\r\n"));
  await waitForText(
    app.browser,
    '[data-testid="price-list-summary"]',
    "3 to add, 0 to change, 1 to schedule for a later date, 0 unchanged, 0 already ended (kept as history).",
  );
  const problems = await text(app.browser, '[data-testid="import-dialog"][open] .problems');
  assert.match(problems, /6\s*UnitPrice\s*UnitPrice '12,5x' is not a price/);
  const examples = await text(app.browser, '[data-testid="price-list-examples"]');
  assert.match(examples, /Schedule \(line 3\): Microsoft 365 E3/);
  await screenshot(app.browser, "price-list-preview");

  await clickWhenReady(app.browser, '[data-testid="import-dialog"][open] .dialog-actions button.primary');
  await waitForText(app.browser, '[data-testid="import-dialog"][open] p[role="status"]', "4 of 5 rows imported.", 15000);
  await clickWhenReady(app.browser, '[data-testid="import-dialog"][open] .dialog-actions button.primary');
  await app.browser.waitUntil(
    () => app.browser.execute(() => !document.querySelector('[data-testid="import-dialog"][open] p[role="status"]')),
    { timeout: 5000, timeoutMsg: "the import dialog did not close" },
  );

  await app.browser.waitUntil(
    () => app.browser.execute(() => document.querySelector('[data-testid="scheduled-price"]') !== null),
    { timeout: 5000, timeoutMsg: "the catalog never showed a scheduled price" },
  );
  const shown = await app.browser.execute(() =>
    [...document.querySelectorAll('[data-testid="catalog-row"]')]
      .filter((row) => row.querySelector("th").textContent.includes("Microsoft 365 E3"))
      .map((row) => row.innerText.replace(/\s+/g, " ")),
  );
  const commercial = shown.find((row) => row.includes("282.83"));
  assert.ok(commercial, JSON.stringify(shown));
  assert.match(commercial, /PLN 353\.53|353\.53/, "the suggested retail price per month");
  assert.match(commercial, /from .*: .*300\.00/, "the scheduled price with its date");
  assert.match(commercial, /Best for businesses that need professional email & Teams\. • Exchange/);
  assert.ok(!commercial.includes("<p>"), "the description is text, not markup");
  assert.ok(shown.some((row) => row.includes("Education")), JSON.stringify(shown));
  assert.ok(shown.some((row) => row.includes("trial offer") && row.includes("25 licences, 30 days")), JSON.stringify(shown));
  await app.browser.execute(() => document.querySelector('[data-testid="scheduled-price"]').scrollIntoView({ block: "center" }));
  await screenshot(app.browser, "catalog-price-list");
});
