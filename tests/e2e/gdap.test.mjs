// Issue 12, GDAP end to end: offer a relationship from a role template (the
// pre-flight warns about Global Administrator before anything is sent) →
// record the customer's approval → "approved, not usable yet" → Microsoft
// activates it (the clock, here after a restart a day later) → create a
// security group and assign two roles to it → the relationship is usable and
// the customer says which staff can do what there.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { launch, removeProfile, screenshot } from "./app.mjs";
import { ADMIN, addCustomer, completeWizard, fill, openCustomer, signIn, waitForText } from "./flows.mjs";

const GLOBAL_ADMINISTRATOR = "62e90394-69f5-4237-9190-012177145e10";
const HELPDESK_ADMINISTRATOR = "729827e3-9c14-49f7-bb1b-9608f156bbb8";
const SERVICE_SUPPORT_ADMINISTRATOR = "f023fd81-a637-4b56-95fd-791ac0226033";
const APPROVED = "Approved, Microsoft activating soon";
const NOT_USABLE = "Approved, not usable yet";
const USABLE = "Usable: a security group holds its roles";

let app;

before(async () => {
  app = await launch();
  await completeWizard(app.browser);
});

after(async () => {
  await app?.stop();
  if (app) removeProfile(app.profile);
});

async function click(selector) {
  const element = await app.browser.$(selector);
  await element.waitForClickable({ timeout: 5000 });
  await element.click();
}

async function checkedRoles(picker) {
  return app.browser.execute(
    (p) => [...document.querySelectorAll(`[data-testid="${p}"] input[data-role]:checked`)].map((i) => i.dataset.role),
    picker,
  );
}

test("a global admin adds a role template", async () => {
  await addCustomer(app.browser, "Gdańsk Serwis Sp. z o.o.", "gdanskserwis");
  await click('[data-tab="relationships"]');
  await click('[data-testid="manage-templates"]');
  await fill(app.browser, "#template-name", "Exchange only");
  await click('[data-testid="template-roles"] input[data-role="29232cdf-9323-42fd-ade2-1d097af3e4de"]');
  await click('[data-testid="templates-dialog"] button[type="submit"]');
  await app.browser.waitUntil(
    async () => (await (await app.browser.$('[data-testid="templates-dialog"] ul')).getText()).includes("Exchange only — Exchange Administrator"),
    { timeout: 5000, timeoutMsg: "the new template was not listed" },
  );
  await screenshot(app.browser, "gdap-role-templates");
  await click('[data-testid="templates-dialog"] .dialog-actions button[type="button"]');
});

test("a relationship is offered from a role template after the pre-flight", async () => {
  await click('[data-testid="offer-relationship"]');
  await fill(app.browser, "#offer-name", "Gdańsk helpdesk");
  const template = await app.browser.$('[data-testid="offer-form"] [data-testid="role-template"]');
  await template.waitForDisplayed({ timeout: 5000 });
  await template.selectByVisibleText("Support desk (4)");
  await app.browser.waitUntil(async () => (await checkedRoles("role-picker")).length === 4, {
    timeout: 5000,
    timeoutMsg: "the template's four roles were not chosen",
  });
  assert.ok((await checkedRoles("role-picker")).includes(HELPDESK_ADMINISTRATOR));

  // Global Administrator: the core's pre-flight warns, and sending stays possible.
  await click(`[data-testid="offer-form"] input[data-role="${GLOBAL_ADMINISTRATOR}"]`);
  const warning = await app.browser.$('[data-testid="preflight"] li.warning');
  await warning.waitForDisplayed({ timeout: 5000 });
  assert.match(await warning.getText(), /Global Administrator is requested/);
  await screenshot(app.browser, "gdap-preflight-global-admin");
  // With auto-extend too it is an error: the core refuses, the button waits.
  await click('[data-testid="offer-form"] input[type="checkbox"]:not([data-role])');
  await (await app.browser.$('[data-testid="preflight"] li.error')).waitForDisplayed({ timeout: 5000 });
  assert.equal(await (await app.browser.$('[data-testid="submit-offer"]')).isEnabled(), false);
  await click('[data-testid="offer-form"] input[type="checkbox"]:not([data-role])');
  await click(`[data-testid="offer-form"] input[data-role="${GLOBAL_ADMINISTRATOR}"]`);
  await app.browser.waitUntil(async () => !(await (await app.browser.$('[data-testid="preflight"]')).isExisting()), {
    timeout: 5000,
    timeoutMsg: "the pre-flight still reported a problem",
  });

  await click('[data-testid="submit-offer"]');
  await (await app.browser.$('[data-testid="approval-link"]')).waitForDisplayed({ timeout: 5000 });
  await click('[data-testid="record-acceptance"]');
  await click('[data-testid="confirm-acceptance"]');
  await waitForText(app.browser, '[data-testid="relationship-state"]', APPROVED);
  await waitForText(app.browser, '[data-testid="relationship-usable"]', NOT_USABLE);
  await screenshot(app.browser, "gdap-approved-not-usable");
});

test("once Microsoft activated it, a security group with two of its roles makes it usable", async () => {
  // The clock moves approved → activating → active within minutes; a restart
  // a day later runs it at start.
  await app.stop();
  app = { ...(await launch(app.profile, { PARTNERDESK_TEST_CLOCK_SHIFT_DAYS: "1" })), profile: app.profile };
  await signIn(app.browser, ADMIN.email, ADMIN.password);
  await waitForText(app.browser, '[data-testid="signed-in-user"]', ADMIN.name, 20000);
  await openCustomer(app.browser, "gdanskserwis");
  await click('[data-tab="relationships"]');
  await waitForText(app.browser, '[data-testid="relationship-state"]', "Active");
  await waitForText(app.browser, '[data-testid="relationship-usable"]', NOT_USABLE);
  await (await app.browser.$('[data-testid="no-assignment"]')).waitForDisplayed({ timeout: 5000 });
  await screenshot(app.browser, "gdap-active-not-usable");

  await click('[data-testid="manage-groups"]');
  await fill(app.browser, "#group-name", "Helpdesk L1");
  await fill(app.browser, "#group-object", "3f1e2d4c-5b6a-4789-9abc-def012345678");
  const member = await app.browser.$('[data-testid="group-form"] label.check input');
  await member.waitForClickable({ timeout: 5000 });
  await member.click();
  await click('[data-testid="save-group"]');
  await waitForText(app.browser, '[data-testid="group-list"] li strong', "Helpdesk L1");
  await screenshot(app.browser, "gdap-security-group");
  await click('[data-testid="groups-dialog"] .dialog-actions button[type="button"]');

  await click('[data-testid="assign-roles"]');
  const picker = await app.browser.$('[data-testid="assign-roles-picker"]');
  await picker.waitForDisplayed({ timeout: 5000 });
  await app.browser.waitUntil(
    async () => (await app.browser.$$('[data-testid="assign-roles-picker"] input[data-role]')).length === 4,
    { timeout: 5000, timeoutMsg: "the assignment did not offer the relationship's four roles only" },
  );
  await click(`[data-testid="assign-roles-picker"] input[data-role="${HELPDESK_ADMINISTRATOR}"]`);
  await click(`[data-testid="assign-roles-picker"] input[data-role="${SERVICE_SUPPORT_ADMINISTRATOR}"]`);
  await click('[data-testid="confirm-assign"]');
  await waitForText(app.browser, '[data-testid="relationship-usable"]', USABLE);
  const assignment = await app.browser.$('[data-testid="assignment"]');
  assert.match(await assignment.getText(), /Helpdesk L1: Helpdesk Administrator, Service Support Administrator/);
  const who = await app.browser.$('[data-testid="who-can"]');
  await who.waitForDisplayed({ timeout: 5000 });
  assert.match(await who.getText(), new RegExp(`${ADMIN.name} — Helpdesk Administrator, Service Support Administrator`));
  await screenshot(app.browser, "gdap-usable");
});
