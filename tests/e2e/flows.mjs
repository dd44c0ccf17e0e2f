// Steps many end-to-end tests share: the first-run wizard, signing in and out.
export const ADMIN = { name: "Anna Admin", email: "anna@contoso.pl", password: "first admin password" };

export async function text(browser, selector) {
  return (await browser.$(selector)).getText();
}

export async function waitForText(browser, selector, expected, timeout = 5000) {
  await browser.waitUntil(async () => {
    const element = await browser.$(selector);
    return (await element.isExisting()) && (await element.getText()) === expected;
  }, {
    timeout,
    timeoutMsg: `${selector} never read "${expected}"`,
  });
}

async function fill(browser, selector, value) {
  const input = await browser.$(selector);
  await input.waitForDisplayed({ timeout: 5000 });
  await input.clearValue();
  await input.setValue(value);
}

/** Runs the first-run wizard; the new global admin ends up signed in. */
export async function completeWizard(browser, company = "Contoso Partner Sp. z o.o.") {
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
  await (await browser.$('[data-testid="sign-in"] button[type="submit"]')).click();
}

export async function signOut(browser) {
  await (await browser.$('[data-testid="user-menu"]')).click();
  await (await browser.$('[data-testid="sign-out"]')).click();
  await (await browser.$('[data-testid="sign-in"]')).waitForDisplayed({ timeout: 5000 });
}

export async function go(browser, screen) {
  await (await browser.$(`a[data-screen="${screen}"]`)).click();
}
