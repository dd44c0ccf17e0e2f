// Steps many end-to-end tests share: the first-run wizard, signing in and out.
export const ADMIN = { name: "Anna Admin", email: "anna@contoso.pl", password: "first admin password" };

export async function text(browser, selector) {
  return (await browser.$(selector)).getText();
}

export async function waitForText(browser, selector, expected, timeout = 5000) {
  try {
    await browser.waitUntil(async () => {
      const element = await browser.$(selector);
      return (await element.isExisting()) && (await element.getText()) === expected;
    }, {
      timeout,
      timeoutMsg: `${selector} never read "${expected}"`,
    });
  } catch (error) {
    // What the window showed when the wait gave up: the first thing to look at in CI.
    const name = `failed-${expected.replace(/[^a-z0-9]+/gi, "-").toLowerCase()}-${Date.now()}`;
    await browser.saveScreenshot(`${import.meta.dirname}/artifacts/${name}.png`).catch(() => {});
    // CI keeps no artifacts: the window's text goes into the failure itself.
    const shown = await browser
      .execute(() => document.body.innerText.replace(/\s+/g, " ").slice(0, 600))
      .catch((e) => `(could not read the window: ${e.message})`);
    error.message = `${error.message}; the window showed: ${shown}`;
    throw error;
  }
}

/** Runs the first-run wizard; the new global admin ends up signed in. */
export async function completeWizard(browser, company = "Contoso Partner Sp. z o.o.") {
  // The first run offers a workspace on this computer or a team server (issue #13).
  const standalone = await browser.$('[data-testid="first-run-standalone"]');
  await standalone.waitForDisplayed({ timeout: 10000 });
  await standalone.click();
  await (await browser.$('[data-testid="setup-company"]')).waitForDisplayed({ timeout: 10000 });
  await fill(browser, "#company-legal_name", company);
  await (await browser.$('[data-testid="setup-company"] button[type="submit"]')).click();
  await fill(browser, "#setup-name", ADMIN.name);
  await fill(browser, "#setup-email", ADMIN.email);
  await fill(browser, "#setup-password", ADMIN.password);
  await (await browser.$('[data-testid="setup-admin"] button[type="submit"]')).click();
  await (await browser.$("nav.sidebar")).waitForDisplayed({ timeout: 10000 });
}

export async function signIn(browser, email, password) {
  await (await browser.$('[data-testid="sign-in"]')).waitForDisplayed({ timeout: 10000 });
  await fill(browser, "#signin-email", email);
  await fill(browser, "#signin-password", password);
  const typedEmail = await (await browser.$("#signin-email")).getValue();
  if (typedEmail !== email) throw new Error(`typing the password changed the e-mail field to ${JSON.stringify(typedEmail)}`);
  await (await browser.$('[data-testid="sign-in"] button[type="submit"]')).click();
  await waitForSignInOutcome(browser);
}

/** Where a sign-in stands, read from the form itself (or its absence). */
function signInState() {
  const form = document.querySelector('[data-testid="sign-in"]');
  if (!form) return { phase: "left" };
  const email = form.querySelector("#signin-email");
  const password = form.querySelector("#signin-password");
  return {
    phase: form.querySelector('[role="alert"]')
      ? "refused"
      : form.querySelector('button[type="submit"]').disabled
        ? "working"
        : "idle",
    email: email.value,
    passwordLength: password.value.length,
    valid: form.checkValidity(),
    focused: document.activeElement?.id ?? document.activeElement?.tagName,
  };
}

/**
 * Waits until the sign-in was answered: the form left (signed in, or asked for
 * a new password) or shows the refusal. A submit that changed nothing is
 * reported with the form's state and sent once more, so a lost click in the
 * driver reads as such in CI rather than as a missing user name.
 */
async function waitForSignInOutcome(browser) {
  const answered = async (timeout) => {
    try {
      await browser.waitUntil(async () => ["left", "refused"].includes((await browser.execute(signInState)).phase), {
        timeout,
        interval: 100,
      });
      return true;
    } catch {
      return false;
    }
  };
  if (await answered(5000)) return;
  const state = await browser.execute(signInState);
  if (state.phase === "idle") {
    console.log(`# sign-in: the submit changed nothing, sending it again; the form: ${JSON.stringify(state)}`);
    await browser.execute(() => document.querySelector('[data-testid="sign-in"]').requestSubmit());
  }
  if (await answered(15000)) return;
  const last = await browser.execute(signInState);
  const shown = await browser.execute(() => document.body.innerText.replace(/\s+/g, " ").slice(0, 600));
  throw new Error(`sign-in never answered; the form: ${JSON.stringify(last)}; the window showed: ${shown}`);
}

export async function signOut(browser) {
  await (await browser.$('[data-testid="user-menu"]')).click();
  await (await browser.$('[data-testid="sign-out"]')).click();
  await (await browser.$('[data-testid="sign-in"]')).waitForDisplayed({ timeout: 5000 });
}

export async function go(browser, screen) {
  await (await browser.$(`a[data-screen="${screen}"]`)).click();
}

export async function fill(browser, selector, value) {
  const input = await browser.$(selector);
  await input.waitForDisplayed({ timeout: 5000 });
  await input.clearValue();
  if (value !== "") await input.setValue(value);
  const typed = await input.getValue();
  if (typed !== value) {
    // Keystrokes go wherever focus is; say so instead of failing later and elsewhere.
    throw new Error(`${selector} holds ${JSON.stringify(typed)} after typing ${JSON.stringify(value)}`);
  }
}

/** Adds a customer through the form and leaves its detail open. */
export async function addCustomer(browser, name, domain) {
  await go(browser, "customers");
  await waitForText(browser, "main h1", "Customers");
  await (await browser.$('[data-testid="add-customer"]')).click();
  await fill(browser, "#customer-company_name", name);
  await fill(browser, "#customer-default_domain", domain);
  await fill(browser, "#customer-contact_email", `it@${domain}.pl`);
  await (await browser.$('[data-testid="customer-form"] button[type="submit"]')).click();
  await waitForText(browser, '[data-testid="customer-name"]', name);
}

/** On an open customer: offers delegated administration and records its acceptance. */
export async function activateRelationship(browser, displayName) {
  await (await browser.$('[data-tab="relationships"]')).click();
  await (await browser.$('[data-testid="offer-relationship"]')).click();
  await fill(browser, "#offer-name", displayName);
  await (await browser.$('[data-testid="offer-form"] button[type="submit"]')).click();
  await (await browser.$('[data-testid="record-acceptance"]')).click();
  await (await browser.$('[data-testid="confirm-acceptance"]')).click();
  // Recorded as of now: approved; Microsoft activates it in the minutes after (decision 0045).
  await waitForText(browser, '[data-testid="relationship-state"]', "Approved, Microsoft activating soon");
}

/** Adds a staff member as the signed-in admin; returns the temporary password. */
export async function addStaff(browser, { name, email, role = "none", access = "none" }) {
  await go(browser, "staff");
  await (await browser.$('[data-testid="add-staff"]')).click();
  await fill(browser, "#staff-name", name);
  await fill(browser, "#staff-email", email);
  await (await browser.$("#staff-role")).selectByAttribute("value", role);
  await (await browser.$("#staff-access")).selectByAttribute("value", access);
  await (await browser.$('[data-testid="staff-form"] button[type="submit"]')).click();
  const secret = await browser.$('[data-testid="temporary-password"]');
  await secret.waitForDisplayed({ timeout: 5000 });
  const password = await secret.getValue();
  await (await browser.$('[data-testid="close-password"]')).click();
  return password;
}

/** Signs in with a temporary password and replaces it with `own`. */
export async function signInFirstTime(browser, email, temporary, own) {
  await signIn(browser, email, temporary);
  await (await browser.$('[data-testid="change-password"]')).waitForDisplayed({ timeout: 5000 });
  await (await browser.$("#pw-current")).setValue(temporary);
  await (await browser.$("#pw-new")).setValue(own);
  await (await browser.$("#pw-repeat")).setValue(own);
  await (await browser.$('[data-testid="change-password"] button[type="submit"]')).click();
  await (await browser.$('[data-testid="signed-in-user"]')).waitForDisplayed({ timeout: 5000 });
}

/** Opens a customer from the list by its default domain. */
export async function openCustomer(browser, domain) {
  await go(browser, "customers");
  const row = await browser.$(`[data-customer="${domain}.onmicrosoft.com"]`);
  await row.waitForDisplayed({ timeout: 5000 });
  await row.click();
  await (await browser.$('[data-testid="customer-name"]')).waitForDisplayed({ timeout: 5000 });
}

/** Records the partner ID (the advisor code trial and offer links carry) on the company profile. */
export async function setPartnerId(browser, partnerId) {
  await (await browser.$('[data-testid="company-link"]')).click();
  await waitForText(browser, "main h1", "Company profile");
  await fill(browser, "#company-partner_id", partnerId);
  const save = await browser.$('main form button[type="submit"]');
  await save.click();
  await browser.waitUntil(async () => (await save.getAttribute("disabled")) !== null, {
    timeout: 5000,
    timeoutMsg: "the company profile was not saved",
  });
}

/** Clicks `selector` once it can be clicked. */
export async function clickWhenReady(browser, selector) {
  const element = await browser.$(selector);
  await element.waitForClickable({ timeout: 5000 });
  await element.click();
}
