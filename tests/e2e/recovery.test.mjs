// Decision 0030 end to end: a backup made from Settings and the one made at
// quitting bring the data back after the database file was damaged (a page
// overwritten with garbage), from the recovery screen, with nobody signed in;
// the day's log file records the quit.
import assert from "node:assert/strict";
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readlinkSync, writeSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { binary, launch, removeProfile, screenshot } from "./app.mjs";
import { ADMIN, addCustomer, completeWizard, go, signIn, waitForText } from "./flows.mjs";

/** Overwrites page 3 of the database with garbage, as a bad sector would. */
function corruptPage3(path) {
  const header = readFileSync(path).subarray(0, 100);
  const pageSize = header.readUInt16BE(16);
  const fd = openSync(path, "r+");
  writeSync(fd, Buffer.alloc(pageSize, "garbage!"), 0, pageSize, 2 * pageSize);
  closeSync(fd);
}

/** The app started on `profile`: the one process whose data directory is this test's own. */
function appPid(profile) {
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const environ = readFileSync(`/proc/${entry}/environ`, "latin1").split("\0");
      const exe = readlinkSync(`/proc/${entry}/exe`);
      if (exe === binary && environ.includes(`PARTNERDESK_DATA_DIR=${profile.data}`)) return Number(entry);
    } catch {
      // gone, or not ours to read
    }
  }
  throw new Error(`no running app on ${profile.data}`);
}

/** Quits the app as the system does at logout, and waits until it has. */
async function quit(profile, timeoutMs = 15000) {
  const pid = appPid(profile);
  process.kill(pid, "SIGTERM");
  const deadline = Date.now() + timeoutMs;
  while (existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, "latin1").includes(") Z")) {
    if (Date.now() > deadline) throw new Error(`the app (${pid}) did not quit on SIGTERM`);
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
    const backups = () => readdirSync(join(profile.data, "backups")).filter((n) => n.endsWith(".sqlite3"));
    assert.equal(backups().length, 1);
    // About names the folder the log files are written to.
    const logs = join(profile.data, "logs");
    const folder = await app.browser.$('[data-testid="log-folder"]');
    await folder.scrollIntoView();
    assert.equal(await folder.getText(), logs);
    // A change after the last backup: quitting backs it up.
    await addCustomer(app.browser, "Gęś Sp. z o.o.", "ges");
    // Quit (SIGTERM, as at logout): the app backs up what changed and closes
    // the database, folding its write-ahead log into the file, so the file
    // alone holds everything and damage to it shows. (Ending the WebDriver
    // session would kill it instead.)
    await quit(profile);
    assert.ok(!existsSync(database + "-wal"), "the database was closed cleanly");
    assert.equal(backups().length, 2, `quitting made a backup of the change: ${backups()}`);
    // The day's log file says so.
    const logFiles = readdirSync(logs).filter((n) => /^partnerdesk\.\d{4}-\d{2}-\d{2}\.log$/.test(n));
    assert.equal(logFiles.length, 1, `one log file for today: ${readdirSync(logs)}`);
    const logged = readFileSync(join(logs, logFiles[0]), "utf8");
    assert.match(logged, /SIGTERM: quitting/);
    assert.match(logged, /quitting: backing up what changed and closing the database/);
    await app.stop();
    corruptPage3(database);

    app = await launch(profile);
    const screen = await app.browser.$('[data-testid="recovery-screen"]');
    await screen.waitForDisplayed({ timeout: 10000 });
    assert.match(await (await app.browser.$('[data-testid="damaged-message"]')).getText(), /damaged/);
    const listed = await app.browser.$$('[data-testid="recovery-backups"] input[type="radio"]');
    assert.equal(listed.length, 2);
    await screenshot(app.browser, "recovery-screen");
    await (await app.browser.$('[data-testid="restore-newest"]')).click();
    await (await app.browser.$('[data-testid="recovery-done"]')).waitForDisplayed({ timeout: 10000 });
    await (await app.browser.$('[data-testid="recovery-continue"]')).click();

    await signIn(app.browser, ADMIN.email, ADMIN.password);
    await go(app.browser, "customers");
    await waitForText(app.browser, "main h1", "Customers");
    // The newest backup is the one made at quitting: both customers are back.
    await (await app.browser.$('[data-customer="zolc.onmicrosoft.com"]')).waitForDisplayed({ timeout: 5000 });
    await (await app.browser.$('[data-customer="ges.onmicrosoft.com"]')).waitForDisplayed({ timeout: 5000 });
    // Its companions (-wal, -shm) travel with it under the same name.
    const aside = readdirSync(profile.data).filter((n) => /^partnerdesk\.sqlite3\.damaged-[0-9T.]+Z$/.test(n));
    assert.equal(aside.length, 1, `the damaged file is kept aside: ${readdirSync(profile.data)}`);
    assert.ok(existsSync(database));
  } finally {
    await app.stop();
    removeProfile(profile);
  }
});
