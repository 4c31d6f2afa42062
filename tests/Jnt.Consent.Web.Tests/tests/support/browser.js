// Headless Chromium from the distribution (no browser download): /usr/bin/chromium unless
// CHROMIUM_PATH says otherwise.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from './gateway.js';

export const launch = () => chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-dev-shm-usage'],
});

/** A fresh browser profile. Its timeouts bound waiting for events (never delays): generous, as the machine may be busy. */
export async function newContext(browser, options = {}) {
  const context = await browser.newContext(options);
  context.setDefaultTimeout(60_000);
  context.setDefaultNavigationTimeout(90_000);
  return context;
}

// A test run leaves the tracked screenshots alone: they go to a temporary folder unless
// JNT_SCREENSHOTS names another (JNT_SCREENSHOTS=docs/screenshots refreshes the docs' pictures).
export const screenshotDirectory = process.env.JNT_SCREENSHOTS
  ? path.resolve(repoRoot, process.env.JNT_SCREENSHOTS)
  : path.join(os.tmpdir(), 'jnt-consent-screenshots');

/** A full-page screenshot, for the docs when JNT_SCREENSHOTS says so. */
export async function screenshot(page, name) {
  mkdirSync(screenshotDirectory, { recursive: true });
  await page.screenshot({ path: path.join(screenshotDirectory, `${name}.png`), fullPage: true });
}

/** Signs in through the login form, as a person would. */
export async function signIn(page, webUrl, apiKey) {
  await page.goto(`${webUrl}/web/login`);
  await page.getByLabel(/API-avain|API key/).fill(apiKey);
  await page.getByRole('button', { name: /Kirjaudu|Sign in/ }).click();
  await page.waitForURL((url) => !url.pathname.endsWith('/login'));
}
