// "Never call this number", from a person who is not a customer: the search finds nobody, and the
// agent forbids contact to the number or address from the same page. Checked where it matters:
// the campaign tools' gRPC Check, and the ledger an administrator reads.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startGateway } from './support/gateway.js';
import { launch, newContext, signIn, screenshot } from './support/browser.js';
import { newPhone, personalData, personalDataIn } from './support/customers.js';
import { randomUUID } from 'node:crypto';

let gateway;
let browser;

before(async () => {
  gateway = await startGateway();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  if (gateway) {
    const output = gateway.output();
    await gateway.stop();
    assert.deepEqual(personalDataIn(output), [], 'the gateway wrote personal data to its output');
  }
});

async function agentPage() {
  const context = await newContext(browser, { viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  await signIn(page, gateway.webUrl, gateway.keys.service);
  return page;
}

const check = (contact, channel, purpose = 'PURPOSE_DIRECT_ADVERTISING') =>
  gateway.as('campaign').suppression.call('Check', { ...contact, channel, purpose });

async function search(page, query) {
  await page.getByLabel(/Asiakasnumero, sähköposti tai puhelinnumero|Customer id, email or phone number/).fill(query);
  await page.getByRole('button', { name: /^(Hae|Search)$/ }).click();
}

test('a search by a number nobody has offers to forbid contact, and calls and SMS to it are suppressed at once', async () => {
  const phone = newPhone();
  const before = await check({ phone: phone.e164 }, 'CHANNEL_PHONE');
  assert.equal(before.allowed, true, 'a call is opt-out: allowed before');

  const page = await agentPage();
  await search(page, phone.typed);
  await page.getByRole('alert').filter({ hasText: 'Asiakasta ei löytynyt.' }).waitFor();
  const offer = page.getByRole('region', { name: 'Kiellä yhteydenotot tähän numeroon' });
  await offer.waitFor();
  // Every channel that reaches a number is ticked to begin with: when in doubt, suppress.
  for (const name of ['Tekstiviesti', 'Puhelu', 'Automaattipuhelu']) {
    assert.equal(await offer.getByRole('checkbox', { name, exact: true }).isChecked(), true, name);
  }
  await offer.getByRole('checkbox', { name: 'Automaattipuhelu', exact: true }).uncheck();
  await offer.getByLabel(/Todiste/).fill('puhelu 26.11.2026 klo 10.02');
  await offer.getByLabel(/Muistiinpano/).fill('Ei asiakas. Pyysi, ettei tähän numeroon soiteta.');
  await screenshot(page, 'do-not-contact');
  await offer.getByRole('button', { name: 'Kiellä yhteydenotot' }).click();

  await page.getByRole('status').filter({ hasText: 'Yhteydenotot kielletty (Tekstiviesti, Puhelu). Kielto on voimassa heti.' }).waitFor();
  const address = new URL(page.url());
  assert.doesNotMatch(address.pathname + address.search, /050|358/, 'the number never appears in an address');
  const call = await check({ phone: phone.e164 }, 'CHANNEL_PHONE', 'PURPOSE_DISTANCE_SELLING');
  const sms = await check({ phone: phone.e164 }, 'CHANNEL_SMS');
  const automated = await check({ phone: phone.e164 }, 'CHANNEL_AUTOMATED_CALL');
  assert.deepEqual([call.allowed, call.reason], [false, 'DECISION_REASON_EXTERNAL_PROHIBITION']);
  assert.deepEqual([sms.allowed, sms.reason], [false, 'DECISION_REASON_EXTERNAL_PROHIBITION']);
  assert.equal(automated.reason, 'DECISION_REASON_UNKNOWN_CONTACT', 'not forbidden: decided as before');

  const ledger = await gateway.as('admin').doNotContact.call('GetContactProhibitions', { contact: { phone: phone.e164 }, accessReason: 'web test verifies' });
  assert.equal(ledger.prohibitions.length, 1);
  const [prohibition] = ledger.prohibitions;
  assert.deepEqual(prohibition.channels, ['CHANNEL_SMS', 'CHANNEL_PHONE']);
  assert.deepEqual(
    [prohibition.provenance.source, prohibition.provenance.actor, prohibition.provenance.evidence, prohibition.provenance.note, prohibition.recordedBy],
    ['CONSENT_SOURCE_CUSTOMER_SERVICE', 'key:web-test-service', 'puhelu 26.11.2026 klo 10.02', 'Ei asiakas. Pyysi, ettei tähän numeroon soiteta.', 'key:web-test-service'],
  );
  await page.context().close();
});

test('an address nobody has can be forbidden in English, and a form without a channel is refused next to its field', async () => {
  const email = `ei.asiakas.${randomUUID().slice(0, 8)}@example.fi`;
  personalData.add(email);
  const page = await agentPage();
  await page.goto(`${gateway.webUrl}/web/customers?lang=en`);
  await search(page, email);
  const offer = page.getByRole('region', { name: 'Forbid contact to this address' });
  await offer.waitFor();
  assert.match(await offer.innerText(), /Channel: email\./);
  await offer.getByRole('button', { name: 'Forbid contact' }).click();
  await page.getByRole('status').filter({ hasText: 'Contact forbidden (Email). It is in force at once.' }).waitFor();
  const mail = await check({ email }, 'CHANNEL_EMAIL');
  assert.equal(mail.reason, 'DECISION_REASON_EXTERNAL_PROHIBITION');

  // A number with every channel unticked: nothing is recorded, and the error sits by the channels.
  const phone = newPhone();
  await search(page, phone.typed);
  const numberOffer = page.getByRole('region', { name: 'Forbid contact to this number' });
  for (const name of ['SMS/MMS', 'Phone call', 'Automated call']) {
    await numberOffer.getByRole('checkbox', { name, exact: true }).uncheck();
  }
  await numberOffer.getByRole('button', { name: 'Forbid contact' }).click();
  const error = page.locator('#dnc-channels-error');
  await error.waitFor();
  assert.equal(await error.innerText(), 'Choose at least one channel.');
  assert.equal(await page.locator('fieldset#dnc-channels').getAttribute('aria-invalid'), 'true');
  const summary = page.getByRole('alert');
  assert.equal(await summary.evaluate((el) => el === document.activeElement), true);
  assert.equal(await summary.getByRole('link', { name: 'Choose at least one channel.' }).getAttribute('href'), '#dnc-channels');
  const ledger = await gateway.as('service').doNotContact.call('GetContactProhibitions', { contact: { phone: phone.e164 }, accessReason: 'web test verifies' });
  assert.deepEqual(ledger.prohibitions, []);
  assert.equal((await check({ phone: phone.e164 }, 'CHANNEL_PHONE')).allowed, true);
  await page.context().close();
});

test('an analyst cannot post the form', async () => {
  const context = await newContext(browser);
  const page = await context.newPage();
  await signIn(page, gateway.webUrl, gateway.keys.analyst);
  const phone = newPhone();
  const response = await page.request.post(`${gateway.webUrl}/web/customers/do-not-contact`, {
    form: { kind: 'phone', contact: phone.typed, channel: 'phone' }, maxRedirects: 0,
  });
  assert.equal(response.status(), 403);
  assert.equal((await check({ phone: phone.e164 }, 'CHANNEL_PHONE')).allowed, true);
  await context.close();
});
