// Decision 0030 end to end: a backup made from Settings brings the data back
// after the database file was damaged (a page overwritten with garbage), from
// the recovery screen, with nobody signed in.
import assert from "node:assert/strict";
import { closeSync, existsSync, openSync, readdirSync, readFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { launch, removeProfile, screenshot } from "./app.mjs";
import { ADMIN, addCustomer, completeWizard, go, signIn, waitForText } from "./flows.mjs";

/** Overwrites page 3 of the database with garbage, as a bad sector would. */
function corruptPage3(path) {
  const header = readFileSync(path).subarray(0, 100);
  const pageSize = header.readUInt16BE(16);
  const fd = openSync(path, "r+");
  writeSync(fd, Buffer.alloc(pageSize, "garbage!"), 0, pageSize, 2 * pageSize);
  closeSync(fd);
}

async function waitUntilGone(path, timeoutMs = 15000) {
  const deadline = Date.now() + timeoutMs;
  while (existsSync(path)) {
    if (Date.now() > deadline) throw new Error(`${path} is still there: the app did not quit cleanly`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test("a damaged database opens the recovery screen and the newest backup brings the data back", async () => {
  let app = await launch();
  const profile = app.profile;
  const database = join(profile.data, "partnerdesk.sqlite3");
  try {
    await completeWizard(app.browser);
    await addCustomer(app.browser, "Żółć Sp. z o.o.", "zolc");

    await go(app.browser, "settings");
    await waitForText(app.browser, "main h1", "Settings");
    const now = await app.browser.$('[data-testid="back-up-now"]');
    await now.scrollIntoView();
    await now.click();
    await (await app.browser.$('[data-testid="backup-row"]')).waitForDisplayed({ timeout: 10000 });
    assert.match(await (await app.browser.$('[data-testid="backup-status"]')).getText(), /made and checked/);
    assert.equal(readdirSync(join(profile.data, "backups")).filter((n) => n.endsWith(".sqlite3")).length, 1);
    // Quitting closes the database: its write-ahead log is folded into the
    // file, so the file alone holds everything, and damage to it shows.
    await app.browser.closeWindow().catch(() => {});
    await waitUntilGone(database + "-wal");
    await app.stop();
    corruptPage3(database);

    app = await launch(profile);
    const screen = await app.browser.$('[data-testid="recovery-screen"]');
    await screen.waitForDisplayed({ timeout: 10000 });
    assert.match(await (await app.browser.$('[data-testid="damaged-message"]')).getText(), /damaged/);
    const listed = await app.browser.$$('[data-testid="recovery-backups"] input[type="radio"]');
    assert.equal(listed.length, 1);
    await screenshot(app.browser, "recovery-screen");
    await (await app.browser.$('[data-testid="restore-newest"]')).click();
    await (await app.browser.$('[data-testid="recovery-done"]')).waitForDisplayed({ timeout: 10000 });
    await (await app.browser.$('[data-testid="recovery-continue"]')).click();

    await signIn(app.browser, ADMIN.email, ADMIN.password);
    await go(app.browser, "customers");
    await waitForText(app.browser, "main h1", "Customers");
    await (await app.browser.$('[data-customer="zolc.onmicrosoft.com"]')).waitForDisplayed({ timeout: 5000 });
    const aside = readdirSync(profile.data).filter((n) => n.startsWith("partnerdesk.sqlite3.damaged-"));
    assert.equal(aside.length, 1, `the damaged file is kept aside: ${readdirSync(profile.data)}`);
    assert.ok(existsSync(database));
  } finally {
    await app.stop();
    removeProfile(profile);
  }
});
