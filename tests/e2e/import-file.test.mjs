// Issue 11 end to end: a customer list saved by Excel in Poland (Windows-1250,
// semicolons, CRLF) is chosen in the import dialog; the preview says it was
// read as Windows-1250 (guessed) with a semicolon, lists the columns it reads
// and the one it ignores; choosing a comma shows the header problem, choosing
// the semicolon again reads it; the valid rows are imported and the customer
// with Polish letters in its name exists (decision 0037).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { launch, removeProfile, screenshot } from "./app.mjs";
import { clickWhenReady, completeWizard, go, openCustomer, text, waitForText } from "./flows.mjs";

let app;

before(async () => {
  app = await launch();
  await completeWizard(app.browser);
});

after(async () => {
  await app?.stop();
  if (app) removeProfile(app.profile);
});

/** `text` in Windows-1250 (Polish Excel's "CSV"), from the code page's own table. */
function windows1250(text) {
  const decoder = new TextDecoder("windows-1250");
  const byteOf = new Map();
  for (let b = 0; b < 256; b++) byteOf.set(decoder.decode(Uint8Array.of(b)), b);
  return Buffer.from(
    [...text].map((c) => {
      assert.ok(byteOf.has(c), `${c} is in Windows-1250`);
      return byteOf.get(c);
    }),
  );
}

const FILE = windows1250(
  [
    "Nazwa firmy;Domena;Miasto;Opiekun",
    "Zażółć Sp. z o.o.;zazolc;Łódź;Gęślą Jaźń",
    "Źdźbło Śródmieście S.A.;zdzblo;Kraków;",
    "Bez domeny;;Gdańsk;",
    "",
  ].join("\r\n"),
);

/** Hands the bytes to the dialog's file input as a chosen file would arrive. */
async function chooseFile(name, bytes) {
  await app.browser.execute(
    (name, base64) => {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const transfer = new DataTransfer();
      transfer.items.add(new File([bytes], name, { type: "text/csv" }));
      const input = document.querySelector('[data-testid="import-dialog"] input[type="file"]');
      input.files = transfer.files;
      input.dispatchEvent(new Event("change", { bubbles: true }));
    },
    name,
    bytes.toString("base64"),
  );
}

const selected = (testid) =>
  app.browser.execute((testid) => {
    const select = document.querySelector(`[data-testid="${testid}"]`);
    return select.options[select.selectedIndex]?.textContent.trim();
  }, testid);

const status = '[data-testid="import-dialog"] p[role="status"]';

/** The dialog scrolls: its buttons are brought into view before they are clicked. */
async function clickInDialog(selector) {
  await app.browser.execute((selector) => document.querySelector(selector).scrollIntoView({ block: "center" }), selector);
  await clickWhenReady(app.browser, selector);
}

test("a Windows-1250 semicolon file is read as such, its delimiter switched in the preview, its valid rows imported", async () => {
  assert.equal(FILE.includes(Buffer.from("\r\n")), true, "CRLF line endings");
  assert.equal(FILE.includes(Buffer.from("Zażółć")), false, "not UTF-8");
  await go(app.browser, "customers");
  await clickWhenReady(app.browser, '[data-testid="customers-import"]');
  await chooseFile("klienci.csv", FILE);

  await waitForText(app.browser, status, "klienci.csv: 3 rows, 2 valid.");
  assert.equal(await selected("import-encoding"), "Windows-1250 (guessed)");
  assert.equal(await selected("import-delimiter"), "semicolon (detected)");
  assert.equal(
    await text(app.browser, '[data-testid="import-columns"]'),
    "Columns read: Nazwa firmy → company_name, Domena → default_domain, Miasto → city",
  );
  assert.equal(await text(app.browser, '[data-testid="import-unknown"]'), "Columns ignored (not read): Opiekun");
  const problemLines = () =>
    app.browser.execute(() =>
      [...document.querySelectorAll('[data-testid="import-dialog"] .problems tbody tr')].map((tr) =>
        [...tr.querySelectorAll("td")].slice(0, 2).map((td) => td.textContent.trim()),
      ),
    );
  assert.deepEqual(await problemLines(), [["4", "default_domain"]], "the file's own line, CRLF or not");
  await screenshot(app.browser, "import-file-preview");

  // A comma: the whole header is one column, so the required ones are missing.
  await (await app.browser.$('[data-testid="import-delimiter"]')).selectByAttribute("value", "comma");
  const message = await app.browser.$('[data-testid="import-dialog"] [data-testid="error-message"]');
  await message.waitForDisplayed({ timeout: 5000 });
  assert.match(await message.getText(), /^the header row has no 'company_name', 'default_domain' column/);
  assert.equal(await selected("import-delimiter"), "comma");
  assert.equal(await (await app.browser.$(status)).isExisting(), false, "no preview to import from");
  assert.equal(await (await app.browser.$('[data-testid="import-columns"]')).isExisting(), false, "no stale columns");
  assert.equal(await selected("import-encoding"), "Windows-1250 (guessed)", "the file still says what it is");
  await screenshot(app.browser, "import-file-comma");

  await (await app.browser.$('[data-testid="import-delimiter"]')).selectByAttribute("value", "semicolon");
  await waitForText(app.browser, status, "klienci.csv: 3 rows, 2 valid.");
  assert.equal(await (await app.browser.$('[data-testid="import-dialog"] [role="alert"]')).isExisting(), false);
  assert.equal(await selected("import-encoding"), "Windows-1250 (guessed)");
  assert.equal(await selected("import-delimiter"), "semicolon (detected)");

  await clickInDialog('[data-testid="import-dialog"] .dialog-actions button.primary');
  await waitForText(app.browser, status, "2 of 3 rows imported.");
  await clickInDialog('[data-testid="import-dialog"] .dialog-actions button.primary');

  await openCustomer(app.browser, "zazolc");
  await waitForText(app.browser, '[data-testid="customer-name"]', "Zażółć Sp. z o.o.");
  await openCustomer(app.browser, "zdzblo");
  await waitForText(app.browser, '[data-testid="customer-name"]', "Źdźbło Śródmieście S.A.");
});
