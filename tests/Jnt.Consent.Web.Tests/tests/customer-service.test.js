// The customer-service console, end to end: a real gateway, headless Chromium, and the gRPC API
// the campaign tools use, so what the console records is checked where it matters.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startGateway } from './support/gateway.js';
import { launch, newContext, signIn, screenshot } from './support/browser.js';
import { createConsumer, newPhone, personalDataIn, finnishToday } from './support/customers.js';
import { randomBytes, createHmac } from 'node:crypto';

// The organisation's identity provider, as far as the gateway can tell: a shared HMAC key.
const jwt = { issuer: 'https://idp.jnt.test', audience: 'jnt-consent', key: randomBytes(32) };

function mintToken(claims, key = jwt.key) {
  const encode = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const body = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode({ iss: jwt.issuer, aud: jwt.audience, iat: now, nbf: now, exp: now + 600, ...claims })}`;
  return `${body}.${createHmac('sha256', key).update(body).digest('base64url')}`;
}

let gateway;
let browser;

before(async () => {
  gateway = await startGateway({
    extraArgs: ['--Gateway:SeedDemoCustomers=30', `--Auth:Jwt:Issuer=${jwt.issuer}`, `--Auth:Jwt:Audience=${jwt.audience}`, `--Auth:Jwt:SigningKey=${jwt.key.toString('base64')}`],
  });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  if (gateway) {
    const output = gateway.output();
    await gateway.stop();
    // Personal data never in the gateway's output: checked over everything this file did.
    assert.deepEqual(personalDataIn(output), [], 'the gateway wrote personal data to its output');
  }
});

async function agentPage(role = 'service') {
  const context = await newContext(browser, { viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  await signIn(page, gateway.webUrl, gateway.keys[role]);
  return page;
}

const cell = (page, purpose, channel) => page.locator(`td[data-purpose="${purpose}"][data-channel="${channel}"]`);

async function check(phone, purpose, channel) {
  return gateway.as('campaign').suppression.call('Check', { phone, purpose, channel });
}

test('an agent finds a customer by phone, objects to distance selling by phone in three clicks, and both the grid and a gRPC Check show it suppressed', async () => {
  const customer = await createConsumer(gateway.as('service'));
  const before = await check(customer.phoneE164, 'PURPOSE_DISTANCE_SELLING', 'CHANNEL_PHONE');
  assert.equal(before.allowed, true, 'a call is opt-out: allowed before the objection');

  const page = await agentPage();
  await page.getByLabel(/Asiakasnumero, sähköposti tai puhelinnumero/).fill(customer.phoneTyped);
  await screenshot(page, 'customer-search');
  await page.getByRole('button', { name: 'Hae' }).click();
  await page.waitForURL(new RegExp(`/web/customers/${customer.customerId}\\?`));
  await assert.doesNotReject(page.getByRole('heading', { name: `Asiakas ${customer.customerId}` }).waitFor());
  assert.equal(await cell(page, 'distance-selling', 'phone').getAttribute('data-allowed'), 'true');

  // The three clicks: the purpose, the channel, save (objection is the preselected kind).
  await page.getByRole('checkbox', { name: 'Etämyynti' }).click();
  await page.getByRole('checkbox', { name: 'Puhelu', exact: true }).click();
  await page.getByRole('button', { name: 'Tallenna' }).click();

  await page.getByRole('status').filter({ hasText: 'Kielto kirjattu' }).waitFor();
  const objected = cell(page, 'distance-selling', 'phone');
  assert.equal(await objected.getAttribute('data-allowed'), 'false');
  assert.match(await objected.innerText(), new RegExp(`estetty: kielto kirjattu ${finnishToday().replaceAll('.', '\\.')}, lähde: asiakaspalvelu`));
  // Only the chosen cell changed: the same purpose by post is still allowed.
  assert.equal(await cell(page, 'distance-selling', 'post').getAttribute('data-allowed'), 'true');
  await page.locator('#state').scrollIntoViewIfNeeded();
  await screenshot(page, 'customer-page');

  const after = await check(customer.phoneE164, 'PURPOSE_DISTANCE_SELLING', 'CHANNEL_PHONE');
  assert.equal(after.allowed, false);
  assert.equal(after.reason, 'DECISION_REASON_OBJECTION');
  const history = await gateway.as('service').customers.call('GetHistory', { customerId: customer.customerId, accessReason: 'web test verifies' });
  const objection = history.events.find((e) => e.kind === 'HISTORY_EVENT_KIND_OBJECTION_RECORDED');
  assert.deepEqual([objection.purposes, objection.channels, objection.provenance.actor], [['PURPOSE_DISTANCE_SELLING'], ['CHANNEL_PHONE'], 'key:web-test-service']);
  await page.context().close();
});

test('a campaign-role key cannot open the customer pages', async () => {
  const customer = await createConsumer(gateway.as('service'));
  const page = await agentPage('campaign');
  for (const path of ['/web/customers', `/web/customers/${customer.customerId}?reason=contact`, `/web/customers/${customer.customerId}/contact?reason=contact`]) {
    const response = await page.goto(`${gateway.webUrl}${path}`);
    assert.equal(response.status(), 403, path);
    await page.getByRole('heading', { name: 'Ei käyttöoikeutta' }).waitFor();
    assert.equal(await page.getByText(customer.familyName).count(), 0);
  }
  await screenshot(page, 'forbidden');
  // Nor can it write through the form endpoint.
  const post = await page.request.post(`${gateway.webUrl}/web/customers/${customer.customerId}/record`, {
    form: { purpose: 'all', channel: 'all', change: 'objection' }, maxRedirects: 0,
  });
  assert.equal(post.status(), 403);
  await page.context().close();
});

test('signed-out browsers are sent to the login page, and a wrong key is refused next to its field', async () => {
  const context = await newContext(browser);
  const page = await context.newPage();
  await page.goto(`${gateway.webUrl}/web/customers`);
  await page.waitForURL(/\/web\/login\?returnUrl=/);
  await screenshot(page, 'login');
  await page.getByLabel('API-avain').fill('jnt_000000000000_not-a-real-key');
  await page.getByRole('button', { name: 'Kirjaudu' }).click();
  const field = page.getByLabel('API-avain');
  await page.locator('#apiKey-error').waitFor();
  assert.equal(await field.getAttribute('aria-invalid'), 'true');
  assert.equal(await field.getAttribute('aria-describedby'), 'apiKey-error');
  assert.equal(await page.locator('#apiKey-error').innerText(), 'Avain ei kelpaa.');
  await context.close();
});

test('the session cookie is HttpOnly and SameSite=Strict, and signing out ends the session', async () => {
  const page = await agentPage();
  const cookies = await page.context().cookies();
  const session = cookies.find((c) => c.name === 'jnt-console');
  assert.ok(session, 'a session cookie was set');
  assert.equal(session.httpOnly, true);
  assert.equal(session.sameSite, 'Strict');
  await page.getByRole('button', { name: 'Kirjaudu ulos' }).click();
  await page.waitForURL(/\/web\/login$/);
  await page.goto(`${gateway.webUrl}/web/customers`);
  await page.waitForURL(/\/web\/login\?returnUrl=/);
  await page.context().close();
});

test('a form without its antiforgery token is refused and records nothing', async () => {
  const customer = await createConsumer(gateway.as('service'));
  const page = await agentPage();
  const response = await page.request.post(`${gateway.webUrl}/web/customers/${customer.customerId}/record`, {
    form: { purpose: 'all', channel: 'all', change: 'objection', reason: 'request', source: 'customer-service' }, maxRedirects: 0,
  });
  assert.equal(response.status(), 400);
  const check = await gateway.as('campaign').suppression.call('Check', { customerId: customer.customerId, purpose: 'PURPOSE_DIRECT_ADVERTISING', channel: 'CHANNEL_POST' });
  assert.equal(check.allowed, true, 'no objection was recorded');
  await page.context().close();
});

test('an objection to everything can be recorded with the keyboard alone', async () => {
  const customer = await createConsumer(gateway.as('service'));
  const page = await agentPage();
  const tabUntil = async (predicate, what) => {
    for (let i = 0; i < 80; i++) {
      await page.keyboard.press('Tab');
      if (await page.evaluate(predicate)) return;
    }
    throw new Error(`Tab never reached ${what}`);
  };
  await tabUntil(() => document.activeElement?.id === 'q', 'the search field');
  await page.keyboard.type(customer.phoneTyped);
  await page.keyboard.press('Enter');
  await page.waitForURL(new RegExp(`/web/customers/${customer.customerId}\\?`));

  await tabUntil(() => document.activeElement?.getAttribute('href') === '#record', 'the skip link to the form');
  await page.keyboard.press('Enter');
  await tabUntil(() => document.activeElement?.matches('input[name=purpose][value=all]'), 'all purposes');
  await page.keyboard.press('Space');
  await tabUntil(() => document.activeElement?.matches('input[name=channel][value=all]'), 'all channels');
  await page.keyboard.press('Space');
  await tabUntil(() => document.activeElement?.matches('#record button[type=submit]'), 'the save button');
  await page.keyboard.press('Enter');

  await page.getByRole('status').filter({ hasText: 'Kielto kirjattu' }).waitFor();
  const marketing = await page.locator('td[data-purpose]:not([data-purpose="customer-relationship"])').evaluateAll((cells) => cells.map((c) => c.dataset.allowed));
  assert.equal(marketing.length, 20);
  assert.ok(marketing.every((a) => a === 'false'), 'every marketing cell is suppressed');
  assert.equal(await cell(page, 'customer-relationship', 'email').getAttribute('data-allowed'), 'true', 'service messages stay allowed');
  // A letter is checked by customer id: post cannot reach an email address.
  const post = await gateway.as('campaign').suppression.call('Check', { customerId: customer.customerId, purpose: 'PURPOSE_MARKET_RESEARCH', channel: 'CHANNEL_POST' });
  assert.equal(post.allowed, false);
  await page.context().close();
});

test('a form error is shown next to its field and nothing is recorded', async () => {
  const customer = await createConsumer(gateway.as('service'));
  const page = await agentPage();
  await page.goto(`${gateway.webUrl}/web/customers/${customer.customerId}?reason=request`);
  await page.getByRole('checkbox', { name: 'Puhelu', exact: true }).click();
  await page.getByRole('button', { name: 'Tallenna' }).click();

  const error = page.locator('#purposes-error');
  await error.waitFor();
  assert.equal(await error.innerText(), 'Valitse vähintään yksi tarkoitus.');
  const fieldset = page.locator('fieldset#purposes');
  assert.equal(await fieldset.getAttribute('aria-describedby'), 'purposes-error');
  assert.equal(await fieldset.getAttribute('aria-invalid'), 'true');
  // The error sits inside the field's own fieldset, and the agent's choice is kept.
  assert.equal(await fieldset.locator('#purposes-error').count(), 1);
  assert.equal(await page.getByRole('checkbox', { name: 'Puhelu', exact: true }).isChecked(), true);
  // A summary at the top says what to fix, has the focus, and links to the field.
  const summary = page.getByRole('alert');
  assert.equal(await summary.evaluate((el) => el === document.activeElement), true);
  assert.equal(await summary.getByRole('link', { name: 'Valitse vähintään yksi tarkoitus.' }).getAttribute('href'), '#purposes');
  await screenshot(page, 'form-error');
  const history = await gateway.as('service').customers.call('GetHistory', { customerId: customer.customerId, accessReason: 'web test verifies' });
  assert.equal(history.events.length, 1, 'only the creation is in the history');

  // A date the form cannot read is an error next to the date field.
  await page.getByRole('radio', { name: 'Suostumus', exact: true }).click();
  await page.getByRole('checkbox', { name: 'Suoramainonta' }).click();
  await page.getByLabel(/Suostumus voimassa asti/).fill('31.2.2027');
  await page.getByRole('button', { name: 'Tallenna' }).click();
  await page.locator('#expires-error').waitFor();
  assert.equal(await page.getByLabel(/Suostumus voimassa asti/).getAttribute('aria-describedby'), 'expires-error');
  await page.context().close();
});

test('a consent with an end date shows in Finnish date format and allows email', async () => {
  const customer = await createConsumer(gateway.as('service'));
  const page = await agentPage();
  await page.goto(`${gateway.webUrl}/web/customers/${customer.customerId}?reason=request`);
  assert.equal(await cell(page, 'direct-advertising', 'email').getAttribute('data-allowed'), 'false', 'no consent yet: opt-in channel');
  await page.getByRole('radio', { name: 'Suostumus', exact: true }).click();
  await page.getByRole('checkbox', { name: 'Suoramainonta' }).click();
  await page.getByRole('checkbox', { name: 'Sähköposti' }).click();
  await page.getByLabel(/Suostumus voimassa asti/).fill('31.12.2030');
  await page.getByRole('button', { name: 'Tallenna' }).click();
  await page.getByRole('status').filter({ hasText: 'Suostumus kirjattu' }).waitFor();
  const consented = cell(page, 'direct-advertising', 'email');
  assert.equal(await consented.getAttribute('data-allowed'), 'true');
  assert.match(await consented.innerText(), new RegExp(`suostumus annettu ${finnishToday().replaceAll('.', '\\.')}, lähde: asiakaspalvelu, voimassa 31\\.12\\.2030 asti`));
  const check = await gateway.as('campaign').suppression.call('Check', { email: customer.email, purpose: 'PURPOSE_DIRECT_ADVERTISING', channel: 'CHANNEL_EMAIL' });
  assert.equal(check.allowed, true);
  await page.context().close();
});

test('withdrawing a consent leaves calls open, and "withdraw and forbid" closes them, with the difference explained on the form', async () => {
  const customer = await createConsumer(gateway.as('service'));
  const page = await agentPage();
  await page.goto(`${gateway.webUrl}/web/customers/${customer.customerId}?reason=request`);
  assert.match(await page.locator('#change-hint').innerText(), /Pelkkä peruminen ei estä puheluja/);
  const record = async (change, status) => {
    await page.getByRole('radio', { name: change, exact: true }).click();
    await page.getByRole('checkbox', { name: 'Etämyynti' }).click();
    await page.getByRole('checkbox', { name: 'Puhelu', exact: true }).click();
    await page.getByRole('button', { name: 'Tallenna' }).click();
    await page.getByRole('status').filter({ hasText: status }).waitFor();
  };
  await record('Suostumus', 'Suostumus kirjattu');
  await record('Suostumuksen peruminen', 'Suostumus peruttu');
  const afterWithdrawal = await check(customer.phoneE164, 'PURPOSE_DISTANCE_SELLING', 'CHANNEL_PHONE');
  assert.deepEqual([afterWithdrawal.allowed, afterWithdrawal.reason], [true, 'DECISION_REASON_OPT_OUT_CHANNEL'], 'a withdrawal alone leaves a call open');
  await record('Suostumus', 'Suostumus kirjattu');
  await record('Peruminen ja kielto', 'Suostumus peruttu ja kielto kirjattu');
  const afterForbid = await check(customer.phoneE164, 'PURPOSE_DISTANCE_SELLING', 'CHANNEL_PHONE');
  assert.deepEqual([afterForbid.allowed, afterForbid.reason], [false, 'DECISION_REASON_OBJECTION']);
  assert.equal(await cell(page, 'distance-selling', 'phone').getAttribute('data-allowed'), 'false');
  await page.context().close();
});

test('an agent corrects a phone number and the customer is found by the new one', async () => {
  const customer = await createConsumer(gateway.as('service'));
  const page = await agentPage();
  await page.goto(`${gateway.webUrl}/web/customers/${customer.customerId}?reason=rectification`);
  await page.getByRole('link', { name: 'Korjaa yhteystietoja' }).click();
  const phone = newPhone();
  await page.getByLabel(/Puhelinnumerot/).fill(phone.typed);
  await screenshot(page, 'contact-details');
  await page.getByRole('button', { name: 'Tallenna' }).click();
  await page.getByRole('status').filter({ hasText: 'Yhteystiedot päivitetty' }).waitFor();
  assert.equal(await page.locator('[data-field=phones]').innerText(), phone.e164);

  // A phone number that is not one is refused next to its field.
  await page.getByRole('link', { name: 'Korjaa yhteystietoja' }).click();
  await page.getByLabel(/Puhelinnumerot/).fill('12');
  await page.getByRole('button', { name: 'Tallenna' }).click();
  await page.locator('#phones-error').waitFor();
  assert.equal(await page.getByLabel(/Puhelinnumerot/).getAttribute('aria-describedby'), 'phones-error');
  // In Finnish on a Finnish page, naming the line, though the API it went through answers in English.
  assert.equal(await page.locator('#phones-error').innerText(), 'Rivi 1: puhelinnumerosta puuttuu maatunnus (+358) tai alun 0: lisää jompikumpi.');

  await page.goto(`${gateway.webUrl}/web/customers`);
  await page.getByLabel(/Asiakasnumero, sähköposti tai puhelinnumero/).fill(phone.typed);
  await page.getByRole('button', { name: 'Hae' }).click();
  await page.waitForURL(new RegExp(`/web/customers/${customer.customerId}\\?`));
  const old = await gateway.as('service').customers.call('FindCustomers', { phone: customer.phoneE164 });
  assert.deepEqual(old.customerIds, [], 'the old number no longer finds the customer');
  await page.context().close();
});

test('the interface switches between Finnish and English and remembers the choice', async () => {
  const customer = await createConsumer(gateway.as('service'));
  const page = await agentPage();
  await page.goto(`${gateway.webUrl}/web/customers/${customer.customerId}?reason=contact`);
  assert.equal(await page.locator('html').getAttribute('lang'), 'fi');
  await page.getByRole('heading', { name: 'Voimassa oleva tila' }).waitFor();

  await page.getByRole('link', { name: 'In English' }).click();
  await page.getByRole('heading', { name: 'Current state' }).waitFor();
  assert.equal(await page.locator('html').getAttribute('lang'), 'en');
  assert.match(await cell(page, 'direct-advertising', 'email').innerText(), /suppressed: no consent/);
  await screenshot(page, 'customer-page-en');

  await page.goto(`${gateway.webUrl}/web/customers`);
  await page.getByRole('heading', { name: 'Find a customer' }).waitFor();
  await page.getByRole('link', { name: 'Suomeksi' }).click();
  await page.getByRole('heading', { name: 'Hae asiakas' }).waitFor();
  assert.equal(await page.locator('html').getAttribute('lang'), 'fi');
  await page.context().close();
});

test('revoking the key ends its browser sessions', async () => {
  const created = await gateway.as('admin').access.call('CreateApiKey', { name: 'web-test-revoked', role: 'service' });
  const context = await newContext(browser);
  const page = await context.newPage();
  await signIn(page, gateway.webUrl, created.apiKey);
  await page.getByRole('heading', { name: 'Hae asiakas' }).waitFor();
  await gateway.as('admin').access.call('RevokeApiKey', { keyId: created.keyId });
  await page.goto(`${gateway.webUrl}/web/customers`);
  await page.waitForURL(/\/web\/login\?returnUrl=/);
  await context.close();
});

test('a JWT from the identity provider signs in with its role; a campaign token still cannot open customer pages', async () => {
  const service = await newContext(browser);
  const page = await service.newPage();
  await signIn(page, gateway.webUrl, mintToken({ sub: 'agent-jwt-1', role: 'service' }));
  await page.getByRole('heading', { name: 'Hae asiakas' }).waitFor();
  assert.match(await page.locator('header .who').innerText(), /agent-jwt-1 \(asiakaspalvelu\)/);
  await service.close();

  const campaign = await newContext(browser);
  const other = await campaign.newPage();
  await signIn(other, gateway.webUrl, mintToken({ sub: 'mailer-jwt', role: 'campaign' }));
  assert.equal((await other.goto(`${gateway.webUrl}/web/customers`)).status(), 403);
  await campaign.close();

  // A token signed with another key is refused like a wrong API key.
  const forged = await newContext(browser);
  const third = await forged.newPage();
  await third.goto(`${gateway.webUrl}/web/login`);
  await third.getByLabel('API-avain').fill(mintToken({ sub: 'intruder', role: 'service' }, randomBytes(32)));
  await third.getByRole('button', { name: 'Kirjaudu' }).click();
  await third.locator('#apiKey-error').waitFor();
  await forged.close();
});
