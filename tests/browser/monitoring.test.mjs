// 监测: a city publicity officer opens 首页, sees the monitoring counts of
// their jurisdiction (and only theirs), follows the zombie count to its
// list, opens an account's 监测 tab, exports the list, and every tab
// reads as cards on a phone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, login, shot, BASE } from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const num = async (page, sel) => Number((await page.textContent(sel)).trim());

test('首页 counts lead to the zombie list, an account tab and an export', async () => {
  const { context, page } = await login(browser, 'nc_pub');
  await page.goto(`${BASE}/`);
  for (const id of ['zombies', 'below-min', 'overdue', 'violations', 'late-filings', 'no-data', 'broken-feeds', 'alerts']) {
    assert.ok(await page.$(`#tile-${id}`), `首页 has the ${id} count`);
  }
  const zombies = await num(page, '#tile-zombies b');
  assert.ok(zombies > 0, 'the demo has zombie accounts in 南昌');
  assert.ok(await num(page, '#tile-overdue b') > 0, 'and overdue messages');
  assert.ok(await num(page, '#tile-violations b') > 0, 'and posts with findings');
  assert.ok(await num(page, '#tile-broken-feeds b') > 0, 'and a broken feed');
  assert.ok(await page.$('svg.columns rect'), 'the 26-week chart is drawn');
  const ranked = await page.$$eval('#ranking tbody tr td:first-child', (tds) => tds.map((t) => t.textContent));
  assert.ok(ranked.length > 0 && ranked.every((o) => !o.includes('九江')), `ranking within 南昌: ${ranked}`);
  await shot(page, 'home');

  await Promise.all([page.waitForURL(/\/monitoring$/), page.click('#tile-zombies')]);
  assert.equal(await num(page, '#h-zombies .count'), zombies, 'the list holds the number on 首页');
  const orgs = await page.$$eval('#zombies td[data-label="主办单位"]', (tds) => tds.map((t) => t.textContent));
  assert.ok(orgs.every((o) => !o.includes('九江')), `only 南昌's jurisdiction: ${orgs}`);
  await shot(page, 'monitoring');

  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export')]);
  assert.match(download.suggestedFilename(), /^僵尸号-\d{4}-\d{2}-\d{2}\.xlsx$/);
  const path = await download.path();
  const { readFileSync } = await import('node:fs');
  assert.equal(readFileSync(path).subarray(0, 2).toString(), 'PK', 'an xlsx (zip) file');

  const name = (await page.textContent('#zombies td.name a')).trim();
  await Promise.all([page.waitForURL(/\/accounts\/\d+\/monitoring$/), page.click('#zombies td.name a')]);
  assert.match(await page.textContent('main h1'), new RegExp(name));
  assert.equal((await page.textContent('#zombie-state')).trim(), '僵尸号');
  assert.ok(await page.$('svg.columns'), 'the weekly chart');
  await shot(page, 'account-monitoring');

  // An earlier day gives an answer of its own, and the filter keeps it.
  await page.goto(`${BASE}/monitoring?as_of=2026-09-07`);
  assert.equal(await page.inputValue('#filter-as-of'), '2026-09-07');
  for (const tab of ['frequency', 'replies', 'violations', 'alerts', 'feeds']) {
    const res = await page.goto(`${BASE}/monitoring/${tab}`);
    assert.equal(res.status(), 200, tab);
    await shot(page, `monitoring-${tab}`);
  }
  assert.ok(await page.$$eval('#feeds tbody tr', (r) => r.length) > 0, 'the demo has a feed');
  await page.goto(`${BASE}/monitoring/alerts`);
  assert.ok(await page.$$eval('#alerts tbody tr', (r) => r.length) > 0, 'the demo has open alerts');
  await page.setViewportSize({ width: 390, height: 800 });
  for (const path of ['/', '/monitoring', '/monitoring/frequency', '/monitoring/replies', '/monitoring/violations', '/monitoring/alerts', '/monitoring/feeds']) {
    await page.goto(`${BASE}${path}`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
    assert.equal(overflow, false, `no sideways scrolling at 390 px on ${path}`);
  }
  await shot(page, 'home-390');
  await page.goto(`${BASE}/monitoring/violations`);
  await shot(page, 'monitoring-violations-390');
  await context.close();
});

test('a platform export is previewed, imported once, and the account tab links to it', async () => {
  const { context, page } = await login(browser, 'nc_pub');
  await page.goto(`${BASE}/monitoring/feeds`);
  const href = await page.$eval('#feeds td.name a', (a) => a.getAttribute('href'));
  await page.goto(`${BASE}${href}`);
  await Promise.all([page.waitForURL(/\/monitoring\/import$/), page.click('#import-link')]);
  const stamp = Date.now();
  const csv = `内容标题,发表时间,原文链接\n浏览器导入测试 ${stamp},2026-03-02 09:30,http://example.gov.cn/${stamp}\n`;
  await page.selectOption('#import-kind', 'posts');
  await page.setInputFiles('#import-file', { name: 'wechat.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await Promise.all([page.waitForLoadState('load'), page.click('form[enctype="multipart/form-data"] button[type=submit]')]);
  assert.equal(await page.inputValue('#map-published_at'), '发表时间', 'the time column is recognised');
  assert.equal(await page.inputValue('#map-title'), '内容标题');
  assert.match(await page.textContent('#import-rows'), new RegExp(`浏览器导入测试 ${stamp}`));
  await shot(page, 'import-preview');
  await Promise.all([page.waitForLoadState('load'), page.click('#import-go')]);
  assert.match(await page.textContent('#import-summary'), /新增 1/);
  await page.setViewportSize({ width: 390, height: 800 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
  assert.equal(overflow, false, 'no sideways scrolling at 390 px on the import result');
  await shot(page, 'import-done-390');
  await context.close();
});
