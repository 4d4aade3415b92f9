// Foundation flow: log in, open the registry, register an existing account
// (存量账号登记, with its reason and filing) whose certification subject
// differs from its host org, see the warning, log out.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, login, shot, BASE } from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('editor registers an account and sees its warning', async () => {
  const { context, page } = await login(browser, 'nc_editor');
  await shot(page, 'home');
  assert.match(await page.textContent('main h1'), /首页/);

  await page.click('nav.side >> text=账号台账');
  await page.waitForURL(`${BASE}/accounts`);
  const rows = await page.locator('#accounts tbody tr').count();
  assert.ok(rows > 5, `registry lists accounts (${rows})`);
  const hosts = await page.locator('#accounts tbody td:nth-child(3)').allTextContents();
  assert.ok(hosts.every((h) => !h.includes('九江')), 'no other city in the 南昌 editor registry');
  await shot(page, 'registry');

  await page.click('#new-account');
  await page.selectOption('#platform', 'kuaishou');
  const name = `南昌人社快手${Date.now() % 100000}`;
  await page.fill('#name', name);
  await page.fill('#responsible_person', '测试员');
  await page.fill('#certification_subject', '某某科技有限公司');
  await page.fill('#reason', '平台上线前已开设的存量账号');
  await shot(page, 'account-form');
  await Promise.all([page.waitForURL(/\/accounts\/\d+\?notice=registered/), page.click('#save')]);

  assert.match(await page.textContent('main h1'), new RegExp(name));
  const warnings = await page.textContent('#warnings');
  assert.match(warnings, /认证主体不符/);
  assert.match(warnings, /某某科技有限公司/);
  assert.match(await page.textContent('main'), /存量账号登记/, 'its filing is shown');
  await shot(page, 'account-detail');

  await page.click('#logout');
  await page.waitForURL(/\/login\?notice=logged_out/);
  await page.goto(`${BASE}/accounts`);
  assert.match(page.url(), /\/login\?next=/, 'logged out: registry needs login again');
  await context.close();
});

test('a bad form keeps the input and says what is wrong in Chinese', async () => {
  const { context, page } = await login(browser, 'nc_editor');
  await page.goto(`${BASE}/accounts/new`);
  await page.selectOption('#platform', 'weibo');
  await page.fill('#name', '南昌人社测试');
  await page.fill('#responsible_person', '测试员');
  await page.fill('input[name=opened_on]', '2099-01-01');
  await page.fill('#reason', '存量账号');
  await page.click('#save');
  assert.match(await page.textContent('.notice.err'), /开设日期不能晚于今天/);
  assert.equal(await page.inputValue('#name'), '南昌人社测试');
  await context.close();
});
