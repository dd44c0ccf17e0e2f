// The audit log's head kept outside the database (docs/decisions/0029):
// Settings → About shows it to note down, and deleting the newest entries
// while the app is stopped is what Verify integrity then reports.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { launch, removeProfile, screenshot } from "./app.mjs";
import { ADMIN, completeWizard, fill, go, signIn, text } from "./flows.mjs";

const DATABASE = "partnerdesk.sqlite3";

/** What someone at the sqlite3 prompt would do: drop the guard, delete the newest. */
function deleteNewestEntries(dataDir, count) {
  const script = `
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.executescript("DROP TRIGGER IF EXISTS audit_log_no_delete;")
db.execute("DELETE FROM audit_log WHERE seq > (SELECT max(seq) FROM audit_log) - ?", (int(sys.argv[2]),))
db.commit()
print(db.execute("SELECT max(seq) FROM audit_log").fetchone()[0])
db.close()
`;
  return Number(execFileSync("python3", ["-c", script, join(dataDir, DATABASE), String(count)]).toString().trim());
}

test("About shows the head, verify reports the newest entries deleted while the app was stopped, and re-anchoring accepts it", async () => {
  let app = await launch();
  const profile = app.profile;
  try {
    await completeWizard(app.browser);
    // A few more entries: each verification is itself audited.
    await go(app.browser, "audit");
    for (let i = 1; i <= 3; i++) {
      await (await app.browser.$('[data-testid="verify-audit"]')).click();
      await app.browser.waitUntil(async () => /^Intact/.test(await text(app.browser, '[data-testid="audit-status"]')), {
        timeout: 5000,
        timeoutMsg: "verify never said intact",
      });
    }
    await go(app.browser, "settings");
    const seqCell = await app.browser.$('[data-testid="audit-head-seq"]');
    await seqCell.waitForExist({ timeout: 10000 });
    await seqCell.scrollIntoView();
    const state = await app.browser.$('[data-testid="audit-head-state"]');
    assert.equal(await state.getAttribute("data-state"), "matches");
    const stateText = await state.getText();
    assert.match(stateText, /^Matches the newest entry/);
    assert.match(stateText, /created for this new database/, "a new database says why its file appeared");
    const hash = await (await app.browser.$('[data-testid="audit-head-hash"]')).getProperty("textContent");
    assert.match(hash, /^[0-9a-f]{64}$/);
    const headFile = join(profile.data, `${DATABASE}.audit-head`);
    assert.equal(await (await app.browser.$('[data-testid="audit-head-file"]')).getProperty("textContent"), headFile);
    const onDisk = JSON.parse(readFileSync(headFile, "utf8"));
    assert.equal(onDisk.hash, hash, "About shows what the head file holds");
    const seq = Number(await seqCell.getAttribute("data-seq"));
    assert.equal(onDisk.seq, seq);
    await (await app.browser.$("#audit-head-title")).scrollIntoView();
    await screenshot(app.browser, "about-audit-head");
    await app.stop();

    const newest = deleteNewestEntries(profile.data, 2);
    const headSeq = JSON.parse(readFileSync(headFile, "utf8")).seq;
    assert.ok(headSeq - newest === 2, `head ${headSeq}, newest ${newest}`);

    app = await launch(profile);
    await signIn(app.browser, ADMIN.email, ADMIN.password);
    await go(app.browser, "audit");
    await (await app.browser.$('[data-testid="verify-audit"]')).click();
    const findings = await app.browser.$('[data-testid="audit-findings"]');
    await findings.waitForDisplayed({ timeout: 10000 });
    const kinds = await app.browser.execute(() =>
      [...document.querySelectorAll('[data-testid="audit-findings"] li')].map((li) => [li.dataset.kind, li.textContent]),
    );
    const deleted = kinds.find(([kind]) => kind === "newest_missing");
    assert.ok(deleted, JSON.stringify(kinds));
    assert.match(deleted[1], new RegExp(`says ${headSeq} but the newest entry was ${newest} when Partnerdesk started: the 2 newest entries were deleted`));
    await findings.scrollIntoView();
    await app.browser.pause(300);
    await screenshot(app.browser, "audit-newest-missing");

    await go(app.browser, "settings");
    const after = await app.browser.$('[data-testid="audit-head-state"]');
    await after.waitForDisplayed({ timeout: 10000 });
    assert.equal(await after.getAttribute("data-state"), "mismatch");
    await after.scrollIntoView();
    await app.browser.pause(300);
    await screenshot(app.browser, "about-audit-head-mismatch");

    // Once the admin knows why, re-anchoring accepts the log as it is, and says so in it.
    await fill(app.browser, '[data-testid="reanchor-reason"]', "entries deleted in the e2e test");
    await (await app.browser.$('[data-testid="reanchor"]')).click();
    await app.browser.waitUntil(async () => (await after.getAttribute("data-state")) === "matches", {
      timeout: 5000,
      timeoutMsg: "re-anchoring never matched",
    });
    await go(app.browser, "audit");
    await (await app.browser.$('[data-testid="verify-audit"]')).click();
    await app.browser.waitUntil(async () => /^Intact/.test(await text(app.browser, '[data-testid="audit-status"]')), {
      timeout: 5000,
      timeoutMsg: "verify after re-anchoring was not intact",
    });
    const actions = await app.browser.execute(() =>
      [...document.querySelectorAll('[data-testid="audit-table"] tbody tr')].map((tr) => tr.dataset.action),
    );
    assert.ok(actions.includes("audit.reanchor"), JSON.stringify(actions));
  } finally {
    await app.stop();
    removeProfile(profile);
  }
});
