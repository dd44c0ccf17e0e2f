// Not a test: a tool for looking at every screen. Seeds one customer with a
// relationship, subscriptions, a user, a request, an invitation, an offer and
// a key through IPC, then saves a screenshot of each screen in the language
// given (default pl) to tests/e2e/artifacts/<language>/.
//   xvfb-run -a --server-args="-screen 0 1280x900x24" node tests/e2e/screenshots.mjs [pl|en]
import { launch, removeProfile } from "./app.mjs";
import { mkdirSync } from "node:fs";
import { completeWizard, go } from "./flows.mjs";
const language = process.argv[2] ?? "pl";
const folder = `${import.meta.dirname}/artifacts/${language}`;
mkdirSync(folder, { recursive: true });
const app = await launch();
const b = app.browser;
const shot = async (name) => { await new Promise((r) => setTimeout(r, 700)); await b.saveScreenshot(`${folder}/${name}.png`); };
const call = (cmd, args) => b.executeAsync((cmd, args, done) => window.__TAURI_INTERNALS__.invoke(cmd, args).then((v) => done({ ok: v }), (e) => done({ err: e })), cmd, args);
const must = async (cmd, args) => { const r = await call(cmd, args); if (r.err) throw new Error(`${cmd}: ${JSON.stringify(r.err)}`); return r.ok; };
try {
  await completeWizard(b);
  const company = await must("get_company_profile", {});
  await must("update_company_profile", { profile: { ...company.profile, partner_id: "1234567" } }).catch((e) => console.log(String(e)));
  const customer = await must("create_customer", { input: { company_name: "Żółć Serwis Sp. z o.o.", default_domain: "zolcserwis", other_domains: [], tenant_id: "", street: "ul. Długa 1", city: "Kraków", postal_code: "30-001", country: "PL", contact_name: "Jan Kowalski", contact_email: "jan@zolc.pl", contact_phone: "", language: "pl", notes: "", tags: ["VIP"] } });
  const rel = await must("offer_relationship", { offer: { customer_id: customer.id, display_name: "Wsparcie Contoso", roles: ["user_admin"], duration_days: 180, auto_extend: true, request_approval: true } }).catch(async (e) => { console.log(String(e)); return null; });
  if (rel) await must("record_relationship_acceptance", { id: rel.id, acceptedAt: null });
  const catalog = await must("list_catalog", {});
  const trialable = catalog.find((s) => s.trial_offered) ?? catalog[0];
  const paid = catalog.find((s) => s.id !== trialable.id) ?? catalog[0];
  const sub = await must("add_subscription", { input: { customer_id: customer.id, service_id: paid.id, quantity: 10, auto_renew: true, trial: false } });
  await must("add_subscription", { input: { customer_id: customer.id, service_id: trialable.id, quantity: 1, auto_renew: false, trial: true } }).catch((e) => console.log(String(e)));
  await must("create_customer_user", { customerId: customer.id, input: { display_name: "Anna Nowak", user_name: "anna@zolcserwis.onmicrosoft.com", first_name: "Anna", last_name: "Nowak", job_title: "Księgowa", admin_role: "none" } });
  await must("create_service_request", { customerId: customer.id, input: { title: "Nie działa poczta", description: "Od rana brak poczty.", category: "other", severity: "moderate", contact_name: "Jan", contact_email: "jan@zolc.pl", contact_phone: "" } }).catch((e) => console.log(String(e)));
  await must("create_trial_invitation", { input: { name: "Jesień 2026", service_id: trialable.id, language: "pl" } }).catch((e) => console.log(String(e)));
  await must("create_offer", { input: { customer_id: customer.id, prospect_name: "", prospect_email: "", language: "pl", valid_until: "2026-12-20", note: "", lines: [{ service_id: paid.id, quantity: 5, unit_price_minor: paid.unit_price_minor, discount_bp: 500 }] } }).catch((e) => console.log(String(e)));
  await must("add_product_key", { input: { key: "BCDFG-HJKMP-QRTVW-XY234-6789B", service_id: paid.id, quantity: 5, term: "P1Y" } }).catch((e) => console.log(String(e)));
  await must("set_subscription_partner_of_record", { id: sub.id, partnerOfRecord: true }).catch((e) => console.log(String(e)));
  await must("change_subscription_quantity", { id: sub.id, quantity: 12, reason: "nowi pracownicy" }).catch((e) => console.log(String(e)));
  await must("update_settings", { update: { language } });
  await b.refresh();
  await (await b.$("nav.sidebar")).waitForDisplayed({ timeout: 10000 });
  for (const screen of ["dashboard", "customers", "company", "staff", "catalog", "audit", "settings", "subscriptions", "requests", "invitations", "offers", "keys"]) {
    await go(b, screen);
    await shot(`screen-${screen}`);
  }
  await go(b, "customers");
  await (await b.$('[data-customer="zolcserwis.onmicrosoft.com"]')).click();
  for (const tab of ["overview", "relationships", "subscriptions", "users", "requests", "activity"]) {
    const t = await b.$(`[data-tab="${tab}"]`);
    if (await t.isExisting()) { await t.click(); await shot(`customer-${tab}`); }
  }
  // A validation error, in the chosen language.
  await go(b, "customers");
  await (await b.$('[data-testid="add-customer"]')).click();
  await (await b.$("#customer-default_domain")).setValue("zły domena");
  await (await b.$('[data-testid="customer-form"] button[type="submit"]')).click();
  await shot("customer-form-error");
  await b.keys("Escape");
  await go(b, "subscriptions");
  const row = await b.$('[data-testid="subscription-list"] [role="option"], [data-testid="subscription-row"]');
  if (await row.isExisting()) { await row.click(); await shot("subscription-detail"); await b.keys("Escape"); }
  const bell = await b.$('[data-testid="notification-bell"]');
  if (await bell.isExisting()) { await bell.click(); await shot("notifications"); await b.keys("Escape"); }
  await go(b, "requests");
  await shot("requests-queue");
} catch (e) {
  console.log("FAILED", e);
  await shot("zz-failure");
} finally {
  await app.stop();
  removeProfile(app.profile);
}
