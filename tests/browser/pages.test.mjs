// Every main page opens for the roles that use it, and the working-day
// calculator answers on the calendar page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, login, shot, BASE } from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const pages = [
  ['center', '/', '首页'],
  ['center', '/accounts?warning=any', '账号台账'],
  ['center', '/orgs', '组织机构'],
  ['center', '/calendar?month=2025-10', '法定工作日历'],
  ['center', '/audit', '审计日志'],
  ['center', '/tokens', 'API 令牌'],
  ['admin', '/users', '用户管理'],
  ['admin', '/jobs', '定时任务'],
  ['nc_editor', '/filings', '备案审批'],
  ['nc_editor', '/todo', '我的待办'],
  ['nc_editor', '/content', '内容审核'],
  ['center', '/monitoring', '监测'],
  ['center', '/monitoring/frequency', '更新频率'],
  ['center', '/monitoring/replies', '留言回复'],
  ['center', '/monitoring/violations', '违规内容'],
  ['center', '/monitoring/alerts', '预警'],
  ['center', '/monitoring/feeds', '数据源'],
  ['center', '/monitoring/upload', '上传批次文件'],
];

test('main pages open without errors', async () => {
  const contexts = {};
  for (const [user, path, heading] of pages) {
    contexts[user] ??= await login(browser, user);
    const { page } = contexts[user];
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const res = await page.goto(`${BASE}${path}`);
    assert.equal(res.status(), 200, path);
    assert.match(await page.textContent('main h1'), new RegExp(heading), path);
    assert.deepEqual(errors, [], `${path}: script errors`);
    await shot(page, `page${path.replace(/[/?=&]/g, '_')}`);
  }
  for (const c of Object.values(contexts)) await c.context.close();
});

test('the calendar computes a deadline across National Day', async () => {
  const { context, page } = await login(browser, 'nc_editor');
  await page.goto(`${BASE}/calendar?month=2025-10`);
  assert.match(await page.textContent('#calendar'), /国庆节/);
  await page.fill('input[name=from]', '2025-09-26');
  await page.fill('input[name=n]', '5');
  await Promise.all([page.waitForURL(/from=2025-09-26/), page.click('#calc')]);
  assert.match(await page.textContent('#calc-result'), /2025-10-10/);
  await shot(page, 'calendar');
  await context.close();
});

test('an editor checks a draft before review', async () => {
  const { context, page } = await login(browser, 'nc_editor');
  await page.goto(`${BASE}/content`);
  await page.fill('#text', '警钟常鸣！咨询电话13812345678，加微信购买。');
  await Promise.all([page.waitForLoadState('load'), page.click('#check')]);
  assert.match(await page.textContent('#findings'), /警钟长鸣/);
  assert.match(await page.textContent('#masked-text'), /138\*\*\*\*5678/);
  assert.ok(await page.locator('#marked mark.block').count() >= 1);
  await shot(page, 'content-check');
  await context.close();
});
