// Customers the tests make for themselves through the gRPC API, with personal data the tests
// remember so they can check the gateway never wrote it to its output.
import { randomInt, randomUUID } from 'node:crypto';

export const personalData = new Set();

function remember(...values) {
  for (const value of values) personalData.add(value);
}

/** A consumer with a fresh Finnish mobile number; returns its id and contact points in the forms an agent would type. */
export async function createConsumer(service) {
  const subscriber = String(randomInt(1_000_000, 9_999_999));
  const national = `040${subscriber}`;
  const customer = {
    customerId: `w${randomUUID().replaceAll('-', '').slice(0, 10)}`,
    givenName: 'Aino',
    familyName: `Verkkotesti${randomInt(100_000, 999_999)}`,
    email: `aino.${randomUUID().slice(0, 8)}@example.fi`,
    phoneTyped: `040 ${subscriber.slice(0, 3)} ${subscriber.slice(3)}`,
    phoneE164: `+35840${subscriber}`,
  };
  remember(customer.familyName, customer.email, customer.phoneE164, national, customer.phoneTyped);
  await service.customers.call('UpsertCustomer', {
    customerId: customer.customerId,
    group: 'CUSTOMER_GROUP_CONSUMER',
    givenName: customer.givenName,
    familyName: customer.familyName,
    emails: [customer.email],
    phones: [customer.phoneTyped],
    address: { street: 'Alholminkatu 3', postalCode: '68600', city: 'Pietarsaari', country: 'FI' },
    provenance: { source: 'CONSENT_SOURCE_IMPORT', actor: 'web-tests', evidence: 'test data', note: '' },
  });
  return customer;
}

export function newPhone() {
  const subscriber = String(randomInt(1_000_000, 9_999_999));
  const typed = `050 ${subscriber.slice(0, 3)} ${subscriber.slice(3)}`;
  const e164 = `+35850${subscriber}`;
  remember(typed, e164, `050${subscriber}`);
  return { typed, e164 };
}

/** Every remembered value found in the text (also the E.164 digits without "+"). */
export function personalDataIn(text) {
  return [...personalData].filter((value) => text.includes(value) || (value.startsWith('+') && text.includes(value.slice(1))));
}

/** Today's date as the console writes it: d.M.yyyy in Finnish time. */
export function finnishToday() {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Helsinki', day: 'numeric', month: 'numeric', year: 'numeric' })
    .formatToParts(new Date());
  const get = (type) => Number(parts.find((p) => p.type === type).value);
  return `${get('day')}.${get('month')}.${get('year')}`;
}
