// Issue 11, files back out: the export control offers CSV (comma or
// semicolon) or an Excel workbook; the choice is remembered for every list;
// a customer's users come out in the Microsoft 365 admin center's template.
// Files go to PARTNERDESK_EXPORT_DIR, as the app's export folder.
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { launch, removeProfile, screenshot } from "./app.mjs";
import { activateRelationship, addCustomer, clickWhenReady, completeWizard, fill, go, openCustomer } from "./flows.mjs";

const exportDir = mkdtempSync(join(tmpdir(), "partnerdesk-exports-"));
let app;

before(async () => {
  app = await launch(undefined, { PARTNERDESK_EXPORT_DIR: exportDir });
  await completeWizard(app.browser);
});

after(async () => {
  await app?.stop();
  if (app) removeProfile(app.profile);
  rmSync(exportDir, { recursive: true, force: true });
});

/** Waits for the one new file whose name ends with `extension`; returns its path. */
async function exportedFile(extension, before) {
  let found;
  await app.browser.waitUntil(
    async () => {
      found = readdirSync(exportDir).find((f) => f.endsWith(extension) && !before.includes(f));
      return found !== undefined;
    },
    { timeout: 10000, timeoutMsg: `no ${extension} file appeared in ${exportDir}` },
  );
  return join(exportDir, found);
}

test("the customer list exports as an Excel workbook, and the choice is remembered", async () => {
  await addCustomer(app.browser, "Żółć Sp. z o.o.", "zolc");
  await go(app.browser, "customers");
  const format = await app.browser.$('[data-testid="export-customers-format"]');
  await format.waitForDisplayed({ timeout: 5000 });
  assert.equal(await format.getValue(), "comma", "English UI: CSV with commas until chosen");
  await format.selectByAttribute("value", "xlsx");
  const seen = readdirSync(exportDir);
  await clickWhenReady(app.browser, '[data-testid="export-customers"]');
  const path = await exportedFile(".xlsx", seen);
  const bytes = readFileSync(path);
  assert.equal(bytes.subarray(0, 2).toString("latin1"), "PK", "a workbook is a zip");
  assert.ok(bytes.includes(Buffer.from("xl/worksheets/sheet1.xml")), "with its worksheet");
  await app.browser.waitUntil(
    async () => (await (await app.browser.$('[data-testid="customer-count"]')).getText()).includes(".xlsx"),
    { timeout: 5000, timeoutMsg: "the saved file was not shown" },
  );
  await screenshot(app.browser, "export-xlsx-chosen");

  await go(app.browser, "subscriptions");
  const other = await app.browser.$('[data-testid="export-subscriptions-format"]');
  await other.waitForDisplayed({ timeout: 5000 });
  assert.equal(await other.getValue(), "xlsx", "another list starts from the last choice");
});

test("a customer's users export in the admin center's template", async () => {
  await openCustomer(app.browser, "zolc");
  await activateRelationship(app.browser, "Support");
  await clickWhenReady(app.browser, '[data-tab="users"]');
  await clickWhenReady(app.browser, '[data-testid="add-user"]');
  await fill(app.browser, "#user-display_name", "Anna Nowak");
  await fill(app.browser, "#user-user_name", "anna@zolc.onmicrosoft.com");
  await fill(app.browser, "#user-first_name", "Anna");
  await fill(app.browser, "#user-last_name", "Nowak");
  await clickWhenReady(app.browser, '[data-testid="customer-user-form"] button[type="submit"]');
  await (await app.browser.$('tr[data-user-name="anna@zolc.onmicrosoft.com"]')).waitForDisplayed({ timeout: 5000 });
  await (await app.browser.$('[data-testid="export-users-format"]')).selectByAttribute("value", "comma");
  const seen = readdirSync(exportDir);
  await clickWhenReady(app.browser, '[data-testid="export-users"]');
  const path = await exportedFile(".csv", seen);
  const [header, row] = readFileSync(path, "utf8").replace(/^\uFEFF/, "").split("\r\n");
  assert.equal(
    header,
    "User Name,First Name,Last Name,Display Name,Job Title,Department,Office Number,Office Phone,Mobile Phone,Fax,Alternate email address,Address,City,State or Province,ZIP or Postal Code,Country or Region",
  );
  assert.equal(row, "anna@zolc.onmicrosoft.com,Anna,Nowak,Anna Nowak,,,,,,,,,,,,");
  await (await app.browser.$('[data-testid="users-exported"]')).waitForDisplayed({ timeout: 5000 });
  await screenshot(app.browser, "export-users");
});
