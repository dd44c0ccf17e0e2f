// Issue #12 end to end: Microsoft's new-commerce windows in the real app
// (decision 0041). Each licence increase may be removed only within its own
// seven days; the detail shows every window; cancelling is refused after the
// term's window with what remains. The app's clock is moved by restarting it
// with PARTNERDESK_TEST_CLOCK_SHIFT_DAYS (debug builds only).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { launch, removeProfile, screenshot } from "./app.mjs";
import { ADMIN, activateRelationship, addCustomer, completeWizard, fill, openCustomer, signIn, text, waitForText } from "./flows.mjs";

let app;

before(async () => {
  app = await launch();
  await completeWizard(app.browser);
});

after(async () => {
  await app?.stop();
  if (app) removeProfile(app.profile);
});

/** Restarts the app on the same data `days` after the purchase, signed in, on the subscription. */
async function onDay(days) {
  await app.stop();
  app = { ...(await launch(app.profile, { PARTNERDESK_TEST_CLOCK_SHIFT_DAYS: String(days) })), profile: app.profile };
  await signIn(app.browser, ADMIN.email, ADMIN.password);
  await waitForText(app.browser, '[data-testid="signed-in-user"]', ADMIN.name, 20000);
  await openCustomer(app.browser, "oknaserwis");
  await (await app.browser.$('[data-tab="subscriptions"]')).click();
  const row = await app.browser.$("[data-subscription]");
  await row.waitForDisplayed({ timeout: 5000 });
  await row.click();
  await (await app.browser.$('[data-testid="licence-windows"]')).waitForDisplayed({ timeout: 5000 });
}

/** Types a new count and waits for the core's quote of it beside the field. */
async function quote(quantity) {
  await fill(app.browser, '[data-testid="new-quantity"]', String(quantity));
  const hint = await app.browser.$('[data-testid="quantity-quote"]');
  await hint.waitForDisplayed({ timeout: 5000 });
  return hint.getText();
}

async function changeTo(quantity) {
  await quote(quantity);
  await (await app.browser.$('[data-testid="change-quantity"]')).click();
}

/** The lots as the detail shows them: quantity, still held, open. */
async function lots() {
  return app.browser.execute(() =>
    [...document.querySelectorAll('[data-testid="licence-lot"]')].map((row) => ({
      quantity: Number(row.dataset.quantity),
      remaining: Number(row.dataset.remaining),
      open: row.dataset.open === "true",
    })),
  );
}

const refundableTotal = () =>
  app.browser.execute(() => Number(document.querySelector('[data-testid="refundable-quantity"]').dataset.total));

test("day 0: a purchase of 5 opens its window and the cancellation window with the refund", async () => {
  await addCustomer(app.browser, "Okna Serwis", "oknaserwis");
  await activateRelationship(app.browser, "Okna – GDAP");
  await (await app.browser.$('[data-tab="subscriptions"]')).click();
  await (await app.browser.$('[data-testid="add-subscription"]')).click();
  const service = await app.browser.$("#sub-service");
  await service.waitForDisplayed({ timeout: 5000 });
  await service.selectByVisibleText("Microsoft 365 Business Basic (sample price)");
  await fill(app.browser, "#sub-quantity", "5");
  await (await app.browser.$('[data-testid="save-subscription"]')).click();
  await waitForText(app.browser, '[data-testid="subscription-quantity"]', "5");
  await (await app.browser.$('[data-testid="licence-windows"]')).waitForDisplayed({ timeout: 5000 });
  assert.match(await text(app.browser, '[data-testid="cancellation-window"]'), /possible until .*; refund if cancelled now: .*PLN/);
  assert.deepEqual(await lots(), [{ quantity: 5, remaining: 5, open: true }]);
  assert.equal(await refundableTotal(), 5);
  // The cancel confirmation names the refund.
  await (await app.browser.$('[data-testid="cancel-subscription"]')).click();
  const dialog = await app.browser.$('[data-testid="confirm-dialog"]');
  await dialog.waitForDisplayed({ timeout: 5000 });
  assert.match(await dialog.getText(), /within the cancellation window .* refunds prorata: .*PLN/s);
  await screenshot(app.browser, "licence-windows-cancel-confirmation");
  await (await app.browser.$('[data-testid="confirm-dialog"] .dialog-actions button')).click();
  await dialog.waitForDisplayed({ timeout: 5000, reverse: true });
  await screenshot(app.browser, "licence-windows-day-0");
});

test("day 3: adding 10 is quoted prorata to the term end and becomes its own lot", async () => {
  await onDay(3);
  const hint = await quote(15);
  assert.match(hint, /Adding 10 licences, co-terminous with the term .*: 36[23] days prorated, .*PLN/);
  await screenshot(app.browser, "licence-windows-addition-quote");
  await changeTo(15);
  await waitForText(app.browser, '[data-testid="subscription-quantity"]', "15");
  assert.deepEqual(await lots(), [
    { quantity: 5, remaining: 5, open: true },
    { quantity: 10, remaining: 10, open: true },
  ]);
  assert.equal(await refundableTotal(), 15);
});

test("day 20: adding 5 more opens a third window; the first two have closed", async () => {
  await onDay(20);
  await changeTo(20);
  await waitForText(app.browser, '[data-testid="subscription-quantity"]', "20");
  assert.deepEqual(await lots(), [
    { quantity: 5, remaining: 5, open: false },
    { quantity: 10, remaining: 10, open: false },
    { quantity: 5, remaining: 5, open: true },
  ]);
});

test("day 21: removing 6 is refused with what can go and until when; removing 5 is allowed", async () => {
  await onDay(21);
  assert.equal(await refundableTotal(), 5);
  assert.match(await text(app.browser, '[data-testid="refundable-quantity"]'), /^5 \(5 · /);
  const refusedQuote = await quote(14);
  assert.match(refusedQuote, /only 5 of the 6 licences can be removed now \(5 until \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC\)/);
  await changeTo(14);
  const message = await app.browser.$('[data-testid="subscription-detail"] [data-testid="error-message"]');
  await message.waitForDisplayed({ timeout: 5000 });
  assert.match(await message.getText(), /only 5 of the 6 licences can be removed now/);
  await waitForText(app.browser, '[data-testid="subscription-quantity"]', "20");
  await screenshot(app.browser, "licence-windows-day-21-refused");
  // The cancellation window closed on day 7: the button is off and the detail says what remains.
  const cancel = await app.browser.$('[data-testid="cancel-subscription"]');
  assert.equal(await cancel.isEnabled(), false);
  assert.match(
    await text(app.browser, '[data-testid="cancellation-window"]'),
    /can no longer be cancelled: the cancellation window closed at .* turn off auto-renew .* or suspend it/,
  );
  assert.match(await quote(15), /Removing 5 licences within their window: prorated refund .*PLN/);
  await changeTo(15);
  await waitForText(app.browser, '[data-testid="subscription-quantity"]', "15");
  assert.equal(await refundableTotal(), 0);
  const history = await text(app.browser, '[data-testid="subscription-history"]');
  assert.match(history, /20 → 15/);
  await screenshot(app.browser, "licence-windows-day-21-removed");
});

test("day 28: no licence can be removed and the detail says why", async () => {
  await onDay(28);
  assert.equal(await refundableTotal(), 0);
  assert.match(await text(app.browser, '[data-testid="refundable-quantity"]'), /none — every window has closed/);
  assert.deepEqual(
    (await lots()).map((l) => l.open),
    [false, false, false],
  );
  assert.match(await quote(14), /no licences can be removed now/);
  await changeTo(14);
  const message = await app.browser.$('[data-testid="subscription-detail"] [data-testid="error-message"]');
  await message.waitForDisplayed({ timeout: 5000 });
  assert.match(await message.getText(), /no licences can be removed now/);
  await screenshot(app.browser, "licence-windows-day-28");
});

test("the windows read in Polish too", async () => {
  await app.browser.executeAsync((done) => {
    window.__TAURI_INTERNALS__.invoke("update_settings", { update: { language: "pl" } }).then(done, done);
  });
  await app.browser.refresh();
  await (await app.browser.$("nav.sidebar")).waitForDisplayed({ timeout: 10000 });
  await openCustomer(app.browser, "oknaserwis");
  await (await app.browser.$('[data-tab="subscriptions"]')).click();
  await (await app.browser.$("[data-subscription]")).click();
  await (await app.browser.$('[data-testid="licence-windows"]')).waitForDisplayed({ timeout: 5000 });
  assert.match(await text(app.browser, '[data-testid="cancellation-window"]'), /nie można już anulować: okno anulowania zamknęło się/);
  assert.match(await text(app.browser, '[data-testid="refundable-quantity"]'), /brak — wszystkie okna są zamknięte/);
  assert.match(await quote(14), /teraz nie można usunąć żadnej licencji/);
  await screenshot(app.browser, "licence-windows-day-28-pl");
});
