// The analyst pages, end to end: charts drawn from the gateway's own tallies, the change an
// objection recorded in the customer-service console makes to them, withheld small cells, CSV.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { startGateway } from './support/gateway.js';
import { launch, newContext, signIn, screenshot } from './support/browser.js';
import { createConsumer, personalDataIn } from './support/customers.js';

let gateway;
let browser;

before(async () => {
  // Queries wait (up to a minute) for every acknowledged change to be counted: on a busy machine the
  // default two seconds could answer before the objection is in.
  gateway = await startGateway({ extraArgs: ['--Gateway:SeedDemoCustomers=120', '--Tallies:DrainBeforeQueryMilliseconds=60000'] });
  await gateway.waitForOutput(/Seeded 120 demo customers/, 180_000);
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

async function signedIn(role) {
  const context = await newContext(browser, { viewport: { width: 1300, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  await signIn(page, gateway.webUrl, gateway.keys[role]);
  return page;
}

const purposeBar = (page, purpose, series) =>
  page.locator(`svg#chart-purpose rect[data-category="${purpose}"][data-series="${series}"]`);

test('an analyst sees the objection rate chart change after an agent records an objection', async () => {
  const customer = await createConsumer(gateway.as('service'));
  const analyst = await signedIn('analyst');
  await analyst.waitForURL(/\/web\/analytics$/);
  await analyst.locator('svg#chart-purpose').waitFor();
  const before = purposeBar(analyst, 'Etämyynti', 'objected');
  assert.equal(await before.getAttribute('data-withheld'), 'false', 'the seeded register is large enough to publish this count');
  const countBefore = Number(await before.getAttribute('data-count'));
  await screenshot(analyst, 'analytics');

  // The objection is recorded the way an agent records it: in the customer-service console.
  const agent = await signedIn('service');
  await agent.goto(`${gateway.webUrl}/web/customers/${customer.customerId}?reason=request`);
  await agent.getByRole('checkbox', { name: 'Etämyynti' }).click();
  await agent.getByRole('checkbox', { name: 'Puhelu', exact: true }).click();
  await agent.getByRole('button', { name: 'Tallenna' }).click();
  await agent.getByRole('status').filter({ hasText: 'Kielto kirjattu' }).waitFor();

  await analyst.reload();
  const after = purposeBar(analyst, 'Etämyynti', 'objected');
  assert.equal(Number(await after.getAttribute('data-count')), countBefore + 1);
  // The same number the gRPC TallyService publishes.
  const tallies = await gateway.as('analyst').tallies.call('GetTallies', { selection: { combineChannels: true, combineGroups: true } });
  const row = tallies.rows.find((r) => r.purpose === 'PURPOSE_DISTANCE_SELLING');
  assert.equal(Number(row.objected.count), countBefore + 1);
  await agent.context().close();
  await analyst.context().close();
});

test('small cells are withheld on the page exactly where the tally service withholds them', async () => {
  const analyst = await signedIn('analyst');
  await analyst.goto(`${gateway.webUrl}/web/analytics`);
  const tallies = await gateway.as('analyst').tallies.call('GetTallies', { selection: {} });
  // A withheld count is absent from the answer and labelled by why: a small group, or a count it could be worked out from.
  const why = (c) => (c.withheld === 'TALLY_WITHHOLDING_PROTECTS_ANOTHER' ? 'protects another' : 'small group');
  const published = tallies.rows.map((r) => [r.customers, r.consented, r.objected, r.reachable].map((c) => (c.suppressed ? why(c) : String(c.count))));
  const labels = { 'salattu': 'small group', 'salattu toisen luvun suojaamiseksi': 'protects another' };
  const shown = await analyst.locator('table.tallies tbody tr').evaluateAll((rows, labels) => rows.map((tr) =>
    [...tr.querySelectorAll('td')].slice(2).map((td) => (td.classList.contains('withheld') ? (labels[td.textContent.trim()] ?? td.textContent.trim()) : td.textContent.trim().split(' ')[0]))), labels);
  assert.deepEqual(shown, published);
  assert.ok(published.flat().includes('small group'), 'some cell of the seeded register is small enough to be withheld');
  assert.ok(published.flat().includes('protects another'), 'some count is withheld to protect a small one');
  assert.ok(tallies.rows.every((r) => [r.customers, r.consented, r.objected, r.neither, r.reachable].every((c) => !c.suppressed || c.count === undefined || c.count === null)),
    'a withheld count is absent, never 0');
  await analyst.context().close();
});

test('the trend is drawn for the chosen period and the table downloads as CSV', async () => {
  const analyst = await signedIn('analyst');
  await analyst.goto(`${gateway.webUrl}/web/analytics`);
  await analyst.getByLabel('Trendin jakso').selectOption('day');
  await analyst.getByRole('button', { name: 'Näytä' }).click();
  await analyst.waitForURL(/trend=day/);
  const points = analyst.locator('svg#chart-trend circle[data-series="consented"]');
  await points.first().waitFor();
  assert.equal(await points.count() > 0, true);

  const [download] = await Promise.all([
    analyst.waitForEvent('download'),
    analyst.getByRole('link', { name: 'Lataa taulukko CSV-tiedostona' }).click(),
  ]);
  assert.match(download.suggestedFilename(), /^jnt-tallies-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = await readFile(await download.path(), 'utf8');
  assert.match(csv, /^period_start,period_end,customer_group,purpose,channel,/);
  assert.deepEqual(personalDataIn(csv), []);
  await analyst.context().close();
});

test('a date the page cannot read is an error next to the date field', async () => {
  const analyst = await signedIn('analyst');
  await analyst.goto(`${gateway.webUrl}/web/analytics?lang=en`);
  await analyst.getByLabel(/As at the end of day/).fill('31.2.2026');
  await analyst.getByRole('button', { name: 'Show' }).click();
  await analyst.locator('#date-error').waitFor();
  assert.equal(await analyst.getByLabel(/As at the end of day/).getAttribute('aria-describedby'), 'date-error');
  await analyst.context().close();
});

test('analysts cannot open customer pages, and agents cannot open the analyst pages', async () => {
  const analyst = await signedIn('analyst');
  assert.equal((await analyst.goto(`${gateway.webUrl}/web/customers`)).status(), 403);
  const agent = await signedIn('service');
  assert.equal((await agent.goto(`${gateway.webUrl}/web/analytics`)).status(), 403);
  assert.equal((await agent.goto(`${gateway.webUrl}/web/analytics.csv`)).status(), 403);
  await analyst.context().close();
  await agent.context().close();
});
