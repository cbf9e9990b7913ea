import { join } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { TEST_PASSWORD } from '@plaza/testing';

/** Browser helpers shared by the web client suites (test/web*.e2e-spec.ts). */

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// Without the background-networking flags Chromium keeps calling out of this closed network.
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const SCREENS = join(__dirname, '..', 'docs', 'screens');
export const WAIT = 10_000;

export const launchBrowser = (): Promise<Browser> =>
  chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true });

export const see = (page: Page | Locator, text: string | RegExp) =>
  page.getByText(text).first().waitFor({ timeout: WAIT });

/** A screenshot for docs/screens (animations such as a post sliding in shown at their end). */
export const shoot = (page: Page, name: string) =>
  page.screenshot({ path: join(SCREENS, `${name}.png`), animations: 'disabled' });

export async function signIn(page: Page, gateway: string, email: string, remember: boolean, password = TEST_PASSWORD) {
  await page.goto(`${gateway}/signin`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  if (remember) await page.getByLabel('Keep me signed in').check();
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Home' }).waitFor({ timeout: WAIT });
}

export async function goto(page: Page, gateway: string, path: string, heading: string) {
  await page.goto(`${gateway}${path}`);
  await page.getByRole('heading', { name: heading }).first().waitFor({ timeout: WAIT });
}
