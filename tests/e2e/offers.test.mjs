// Issue 6 end to end, purchase offers: a two-line draft survives closing the
// app, is sent (the mail client replaced by a recorder), revised with another
// count (the first revision becomes superseded), and accepted with a changed
// count: the subscriptions carry the accepted counts and the audit tells it all.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { freshProfile, launch, removeProfile, screenshot } from "./app.mjs";
import { ADMIN, clickWhenReady, completeWizard, fill, go, openCustomer, setPartnerId, signIn, text, waitForText } from "./flows.mjs";

let app;
let profile;
let mailLog;

before(async () => {
  profile = freshProfile();
  mailLog = join(profile.root, "mail.log");
  app = await launch(profile, { PARTNERDESK_TEST_MAIL_RECORDER: mailLog });
  await completeWizard(app.browser);
  await setPartnerId(app.browser, "1234567");
});

after(async () => {
  await app?.stop();
  removeProfile(profile);
});

const click = (selector) => clickWhenReady(app.browser, selector);

async function counts() {
  return app.browser.execute(() =>
    [...document.querySelectorAll('input[aria-label="Licences"]')].map((input) => input.value),
  );
}

async function waitForSaved() {
  await waitForText(app.browser, '[data-testid="offer-saved"]', "Saved", 8000);
}

async function setCount(index, value) {
  const inputs = await app.browser.$$('input[aria-label="Licences"]');
  await inputs[index].click();
  await app.browser.keys(["Control", "a"]);
  await app.browser.keys(["Backspace"]);
  await inputs[index].setValue(String(value));
}

async function send(recipient) {
  await click('[data-testid="offer-send"]');
  await fill(app.browser, "#offer-recipients", recipient);
  await click('[data-testid="offer-send-email"]');
  await waitForText(app.browser, '[data-testid="offer-status"]', "Sent");
}

test("a two-line draft is saved as it is typed and is intact after the app is closed", async () => {
  await go(app.browser, "offers");
  await click('[data-testid="new-offer"]');
  await fill(app.browser, "#offer-prospect-name", "Delta Serwis");
  await fill(app.browser, "#offer-prospect-email", "it@deltaserwis.pl");
  await click('[data-testid="offer-add-line"]');
  await click('[data-testid="offer-add-line"]');
  await setCount(0, 10);
  await setCount(1, 5);
  await waitForSaved();

  await app.stop();
  app = await launch(profile, { PARTNERDESK_TEST_MAIL_RECORDER: mailLog });
  await signIn(app.browser, ADMIN.email, ADMIN.password);
  await waitForText(app.browser, '[data-testid="signed-in-user"]', ADMIN.name, 20000);
  await go(app.browser, "offers");
  await click('[data-testid="offer-list"] .virtual-row');
  await waitForText(app.browser, '[data-testid="offer-status"]', "Draft");
  assert.equal(await (await app.browser.$("#offer-prospect-name")).getValue(), "Delta Serwis");
  assert.deepEqual(await counts(), ["10", "5"]);
  await screenshot(app.browser, "offer-draft-after-restart");
});

test("sending records the mail; a revision with another count supersedes the first when sent", async () => {
  await send("it@deltaserwis.pl");
  const mail = readFileSync(mailLog, "utf8");
  assert.match(mail, /^mailto:it%40deltaserwis\.pl\?subject=/m);
  assert.match(mail, /msppid%3D1234567/, "the link in the mail carries the advisor code");

  await click('[data-testid="offer-revise"]');
  await waitForText(app.browser, '[data-testid="offer-status"]', "Draft");
  await setCount(0, 12);
  await waitForSaved();
  await send("it@deltaserwis.pl");
  const revisions = await app.browser.$('[data-testid="offer-revisions"]');
  await revisions.waitForDisplayed({ timeout: 5000 });
  await app.browser.waitUntil(async () => (await revisions.getText()).includes("Superseded"), {
    timeout: 5000,
    timeoutMsg: `the first revision is not shown superseded: ${await revisions.getText()}`,
  });
  assert.equal(readFileSync(mailLog, "utf8").trim().split("\n").length, 2);
  await screenshot(app.browser, "offer-revised");

  // The printable document: rendered in the app, in the customer's language (Polish here).
  await click('[data-testid="offer-print"]');
  const frame = await app.browser.$('[data-testid="offer-document"] iframe');
  await frame.waitForDisplayed({ timeout: 5000 });
  let printed = "";
  await app.browser.waitUntil(
    async () => {
      printed = await app.browser.execute(
        () => document.querySelector('[data-testid="offer-document"] iframe')?.contentDocument?.body?.innerText ?? "",
      );
      return printed.includes("Delta Serwis");
    },
    { timeout: 5000, timeoutMsg: "the offer document did not render" },
  );
  assert.match(printed, /Contoso Partner Sp\. z o\.o\./);
  assert.match(printed, /msppid=1234567/);
  await screenshot(app.browser, "offer-document");
  await click('[data-testid="close-document"]');
});

test("acceptance with a changed count creates the customer and subscriptions with the accepted counts", async () => {
  await click('[data-testid="offer-accept"]');
  const bought = await app.browser.$$('input[aria-label^="Licences bought"]');
  assert.equal(bought.length, 2);
  await bought[0].click();
  await app.browser.keys(["Control", "a"]);
  await app.browser.keys(["Backspace"]);
  await bought[0].setValue("11");
  await fill(app.browser, "#accept-domain", "deltaserwis");
  await click('[data-testid="offer-accept-confirm"]');
  await waitForText(app.browser, '[data-testid="offer-status"]', "Accepted");
  await screenshot(app.browser, "offer-accepted");

  await go(app.browser, "subscriptions");
  await waitForText(app.browser, '[data-testid="subscription-count"]', "Subscriptions: 2");
  const licences = await app.browser.execute(() =>
    [...document.querySelectorAll("[data-subscription] .hint")].map((h) => h.textContent.match(/licences: (\d+)/)?.[1]).sort(),
  );
  assert.deepEqual(licences, ["11", "5"]);

  await go(app.browser, "audit");
  await (await app.browser.$('[data-testid="audit-table"]')).waitForDisplayed({ timeout: 5000 });
  const actions = await app.browser.execute(() =>
    [...document.querySelectorAll('[data-testid="audit-table"] tbody tr')].map((tr) => tr.dataset.action),
  );
  for (const action of ["offer.create", "offer.send", "offer.revise", "offer.supersede", "offer.accept", "customer.create", "subscription.add"]) {
    assert.ok(actions.includes(action), `${action} in the audit log: ${JSON.stringify(actions)}`);
  }
});

test("the new customer's Offers tab holds the offer they accepted, and starts the next one for them", async () => {
  await openCustomer(app.browser, "deltaserwis");
  await click('[data-tab="offers"]');
  const badges = '[data-testid="customer-offer-list"] .badge';
  await (await app.browser.$(badges)).waitForDisplayed({ timeout: 5000 });
  const statuses = await app.browser.execute((selector) => [...document.querySelectorAll(selector)].map((b) => b.textContent.trim()), badges);
  assert.deepEqual(statuses, ["Accepted"], "the latest revision only");
  await screenshot(app.browser, "customer-offers-tab");

  await click('[data-testid="customer-new-offer"]');
  await waitForText(app.browser, '[data-testid="offer-status"]', "Draft");
  assert.equal(await text(app.browser, "main h1"), "Purchase offers");
});
