// Shared helpers for the browser tests: launch Debian's Chromium, log in.
import { chromium } from 'playwright-core';

export const BASE = process.env.GOVMEDIA_BASE_URL || 'http://127.0.0.1:8080';
export const PASSWORD = process.env.GOVMEDIA_DEMO_PASSWORD || 'Demo-Pass-2026';
export const SHOTS = process.env.GOVMEDIA_SHOTS || '';

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic',
    ],
  });
}

export async function login(browser, username, password = PASSWORD) {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto(`${BASE}/login`);
  await page.fill('#username', username);
  await page.fill('#password', password);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login')), page.click('#login')]);
  return { context, page };
}

export async function shot(page, name) {
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}
