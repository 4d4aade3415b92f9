// 监测: a city publicity officer sees the zombie accounts of their
// jurisdiction (and only theirs), follows one to its account page, and the
// page reads as cards on a phone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, login, shot, BASE } from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('a city publicity officer follows a zombie account to its page', async () => {
  const { context, page } = await login(browser, 'nc_pub');
  const res = await page.goto(`${BASE}/monitoring`);
  assert.equal(res.status(), 200);
  assert.match(await page.textContent('main h1'), /监测/);
  const zombies = Number(await page.textContent('#h-zombies .count'));
  assert.ok(zombies > 0, 'the demo has zombie accounts in 南昌');
  const orgs = await page.$$eval('#zombies td[data-label="主办单位"]', (tds) => tds.map((t) => t.textContent));
  assert.ok(orgs.every((o) => !o.includes('九江')), `only 南昌's jurisdiction: ${orgs}`);
  await shot(page, 'monitoring');
  const name = (await page.textContent('#zombies td.name a')).trim();
  await Promise.all([page.waitForURL(/\/accounts\/\d+$/), page.click('#zombies td.name a')]);
  assert.match(await page.textContent('main h1'), new RegExp(name));
  // An earlier day gives an answer of its own, and the filter keeps it.
  await page.goto(`${BASE}/monitoring?as_of=2026-01-05`);
  assert.equal(await page.inputValue('#filter-as-of'), '2026-01-05');
  await page.setViewportSize({ width: 390, height: 800 });
  await page.goto(`${BASE}/monitoring`);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
  assert.equal(overflow, false, 'no sideways scrolling at 390 px');
  await shot(page, 'monitoring-390');
  await context.close();
});
