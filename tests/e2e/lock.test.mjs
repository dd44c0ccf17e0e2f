// Issue 10, "the session and the screen": the lock covers everything. A shown
// temporary password is gone from the page when the session locks, the lock
// is the topmost, opaque layer with focus in its password field, and after
// unlocking the password is not shown again. Leaving unsaved input — signing
// out from the lock, going to another screen — asks first; the input is kept.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { launch, removeProfile, screenshot } from "./app.mjs";
import { ADMIN, addStaff, completeWizard, fill, go, waitForText } from "./flows.mjs";

let app;
const EWA = { name: "Ewa Editor", email: "ewa@contoso.pl" };

before(async () => {
  app = await launch();
});

after(async () => {
  await app?.stop();
  if (app) removeProfile(app.profile);
});

/** Locks as the idle timer does: the lock command, then the change event every window follows. */
async function lockNow(browser) {
  await browser.executeAsync((done) => {
    window.__TAURI_INTERNALS__.invoke("lock_session").then(() => done(null), (e) => done(e));
  });
  await (await browser.$('[data-testid="lock-overlay"]')).waitForDisplayed({ timeout: 5000 });
}

/** What is on top of the page, and where focus is. */
function layers() {
  const lock = document.querySelector('[data-testid="lock-overlay"]');
  const centre = document.elementFromPoint(innerWidth / 2, innerHeight / 2);
  const corner = document.elementFromPoint(5, innerHeight - 5);
  return {
    open: [...document.querySelectorAll("dialog[open]")].map((d) => d.dataset.testid ?? "(unnamed)"),
    centreInLock: lock?.contains(centre) ?? false,
    cornerInLock: lock?.contains(corner) ?? false,
    lockBackground: lock ? getComputedStyle(lock).backgroundColor : "",
    backdrop: lock ? getComputedStyle(lock, "::backdrop").backgroundColor : "",
    focused: document.activeElement?.id ?? "",
    shellInert: document.querySelector(".shell")?.inert ?? false,
  };
}

/** Whether a CSS colour lets nothing through. */
function opaque(colour) {
  const rgba = colour.match(/rgba?\(([^)]+)\)/);
  if (!rgba) return false;
  const parts = rgba[1].split(",").map((p) => Number(p.trim()));
  return parts.length === 3 || parts[3] === 1;
}

async function unlock(browser) {
  await fill(browser, "#lock-password", ADMIN.password);
  await (await browser.$('[data-testid="lock-overlay"] button[type="submit"]')).click();
  await browser.waitUntil(async () => !(await (await browser.$('[data-testid="lock-overlay"]')).isExisting()), {
    timeout: 5000,
    timeoutMsg: "the lock never went away",
  });
}

test("locking hides a shown temporary password for good and puts the lock on top with focus", async () => {
  await completeWizard(app.browser);
  await addStaff(app.browser, EWA);
  await (await app.browser.$(`tr[data-staff-email="${EWA.email}"] [data-action="reset_password"]`)).click();
  await (await app.browser.$('[data-testid="confirm"]')).click();
  const secret = await app.browser.$('[data-testid="temporary-password"]');
  await secret.waitForDisplayed({ timeout: 5000 });
  const temporary = await secret.getValue();
  assert.equal(temporary.length, 16);

  await lockNow(app.browser);
  await app.browser.waitUntil(async () => (await app.browser.execute(layers)).focused === "lock-password", {
    timeout: 3000,
    timeoutMsg: "focus never reached the lock's password field",
  });
  const state = await app.browser.execute(layers);
  await screenshot(app.browser, "lock-over-everything");
  assert.deepEqual(state.open, ["lock-overlay"], "no other dialog is open");
  assert.ok(state.centreInLock, "the centre of the window is the lock");
  assert.ok(state.cornerInLock, "so is its corner");
  assert.ok(opaque(state.lockBackground), `the lock is opaque: ${state.lockBackground}`);
  assert.ok(state.shellInert, "the shell underneath is inert");
  const page = await app.browser.execute(() => document.documentElement.outerHTML);
  assert.equal(page.includes(temporary), false, "the temporary password is gone from the page");
  assert.equal(await (await app.browser.$('[data-testid="temporary-password"]')).isExisting(), false);

  // Escape does not dismiss the lock.
  await app.browser.keys("Escape");
  assert.deepEqual((await app.browser.execute(layers)).open, ["lock-overlay"]);

  await unlock(app.browser);
  await waitForText(app.browser, "main h1", "Users");
  assert.equal(await (await app.browser.$('[data-testid="temporary-password"]')).isExisting(), false, "not shown again");
  const after = await app.browser.execute(() => document.documentElement.outerHTML);
  assert.equal(after.includes(temporary), false);
});

test("signing out from the lock asks about unsaved input, and staying keeps it", async () => {
  await (await app.browser.$('[data-testid="add-staff"]')).click();
  await fill(app.browser, "#staff-name", "Half Typed");

  await lockNow(app.browser);
  assert.deepEqual((await app.browser.execute(layers)).open, ["lock-overlay"], "the form's dialog waits under the lock");
  await (await app.browser.$('[data-testid="lock-sign-out"]')).click();
  const question = await app.browser.$('[data-testid="unsaved-dialog"]');
  await question.waitForDisplayed({ timeout: 3000 });
  const onTop = await app.browser.execute(() =>
    document.querySelector('[data-testid="unsaved-dialog"]').contains(document.elementFromPoint(innerWidth / 2, innerHeight / 2)),
  );
  assert.ok(onTop, "the question is above the lock");
  await screenshot(app.browser, "lock-sign-out-asks");
  await (await app.browser.$('[data-testid="unsaved-stay"]')).click();
  await (await app.browser.$('[data-testid="lock-overlay"]')).waitForDisplayed({ timeout: 3000 });

  await unlock(app.browser);
  const name = await app.browser.$("#staff-name");
  await name.waitForDisplayed({ timeout: 3000 });
  assert.equal(await name.getValue(), "Half Typed", "the form came back with its input");
  await app.browser.keys("Escape");
  await name.waitForDisplayed({ reverse: true, timeout: 3000 });
});

test("leaving a screen with unsaved input asks first", async () => {
  await (await app.browser.$('[data-testid="company-link"]')).click();
  await waitForText(app.browser, "main h1", "Company profile");
  await fill(app.browser, "#company-city", "Kraków");

  await go(app.browser, "staff");
  const question = await app.browser.$('[data-testid="unsaved-dialog"]');
  await question.waitForDisplayed({ timeout: 3000 });
  await (await app.browser.$('[data-testid="unsaved-stay"]')).click();
  await waitForText(app.browser, "main h1", "Company profile");
  assert.equal(await (await app.browser.$("#company-city")).getValue(), "Kraków");

  await go(app.browser, "staff");
  await question.waitForDisplayed({ timeout: 3000 });
  await (await app.browser.$('[data-testid="unsaved-leave"]')).click();
  await waitForText(app.browser, "main h1", "Users");
});
