// What an officer sees: statuses coloured by meaning, Chinese rule and
// action names, forms that keep what was typed, lists that work on a phone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, login, shot, BASE } from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const colour = (page, sel) => page.locator(sel).first().evaluate((el) => {
  const s = getComputedStyle(el);
  return { fg: s.color, bg: s.backgroundColor };
});

test('statuses are coloured by meaning: pending amber, returned red, done green', async () => {
  const { context, page } = await login(browser, 'center');
  await page.goto(`${BASE}/filings`);
  const pending = await colour(page, '#workflows .badge.pending');
  const refused = await colour(page, '#workflows .badge.refused');
  const done = await colour(page, '#workflows .badge.done');
  assert.equal(pending.bg, 'rgb(255, 244, 224)', 'amber');
  assert.equal(refused.bg, 'rgb(253, 236, 234)', 'red');
  assert.equal(done.bg, 'rgb(232, 245, 233)', 'green');
  assert.match(await page.locator('#workflows .badge.refused').first().textContent(), /退回|未批准/);
  await shot(page, 'status-colours');
  await context.close();
});

test('the content check names rules in Chinese and starts with a verdict', async () => {
  const { context, page } = await login(browser, 'nc_editor');
  await page.goto(`${BASE}/content`);
  await page.fill('#text', '咨询电话13812345678，限时特价99元，立即购买：https://shop.example.com');
  await Promise.all([page.waitForLoadState('load'), page.click('#check')]);
  assert.equal(await page.textContent('#verdict'), '需修改后发布');
  const rules = await page.locator('#findings .rule').allTextContents();
  assert.ok(rules.includes('手机号码'), rules.join());
  assert.ok(rules.includes('外部链接'), rules.join());
  assert.ok(rules.every((r) => !/^[a-z_]+$/.test(r)), `no codes: ${rules.join()}`);
  assert.match(await page.textContent('#findings'), /第1行第\d+字/);
  await context.close();
});

test('the audit page names actions in Chinese', async () => {
  const { context, page } = await login(browser, 'admin');
  await page.goto(`${BASE}/audit`);
  const actions = await page.locator('#audit .action').allTextContents();
  assert.ok(actions.length > 0);
  assert.ok(actions.includes('登录成功'), actions.join());
  assert.ok(actions.every((a) => !/[a-z]+\.[a-z_]+/.test(a)), actions.join());
  await context.close();
});

test('a form with an error keeps what was typed', async () => {
  const { context, page } = await login(browser, 'nc_editor');
  await page.goto(`${BASE}/accounts/new`);
  await page.selectOption('#platform', 'douyin');
  await page.fill('#name', '南昌人社直播间二');
  await page.fill('#responsible_person', '王磊');
  await page.fill('#handle', 'nc-live-2');
  // No 登记原因: the browser's own check is skipped to see the server's.
  await page.locator('#reason').evaluate((el) => el.removeAttribute('required'));
  await Promise.all([page.waitForLoadState('load'), page.click('#save')]);
  assert.match(await page.textContent('[role=alert]'), /登记原因/);
  assert.equal(await page.inputValue('#name'), '南昌人社直播间二');
  assert.equal(await page.inputValue('#handle'), 'nc-live-2');
  assert.equal(await page.inputValue('#platform'), 'douyin');
  assert.match(await page.locator('#reason').evaluate((el) => el.parentElement.textContent), /请填写登记原因/);
  await context.close();
});

test('at phone width every account row shows its status', async () => {
  const { context, page } = await login(browser, 'center');
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${BASE}/accounts`);
  const rows = page.locator('#accounts tbody tr');
  const n = await rows.count();
  assert.ok(n > 5);
  for (let i = 0; i < n; i++) {
    const status = rows.nth(i).locator('.status-cell .badge');
    assert.ok(await status.isVisible(), `row ${i} shows its status`);
    const box = await status.boundingBox();
    assert.ok(box && box.x >= 0 && box.x + box.width <= 390, `row ${i} status inside the screen`);
  }
  // The page itself does not scroll sideways.
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(wide <= 392, `page width ${wide}`);
  await shot(page, 'accounts-390');
  await context.close();
});
