// Accessibility (WCAG 2.1 AA; GB/T 37668): axe-core over every main page,
// as each kind of user. axe is evaluated in the page through the DevTools
// protocol, so the app's Content-Security-Policy stays as it is. Any
// serious or critical violation fails.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { launch, login, BASE } from './helpers.mjs';

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const MAIN = [
  '/', '/todo', '/accounts', '/accounts?warning=any', '/accounts/new', '/accounts/import',
  '/filings', '/filings/new?kind=open', '/filings/1', '/filings/2', '/filings/7',
  '/content', '/calendar', '/calendar?month=2025-10', '/orgs', '/users', '/audit',
  '/tokens', '/jobs', '/password', '/monitoring', '/monitoring/frequency', '/monitoring/replies',
  '/monitoring/violations', '/monitoring/alerts', '/monitoring/feeds', '/accounts/1/monitoring', '/accounts/1/monitoring/import', '/monitoring/upload',
];

async function violations(page) {
  await page.evaluate(AXE);
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
    }));
  });
  return result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

for (const user of ['center', 'nc_editor', 'nc_leader', 'admin']) {
  test(`no serious or critical axe violation as ${user}`, async () => {
    const { context, page } = await login(browser, user);
    const found = [];
    for (const path of MAIN) {
      const res = await page.goto(`${BASE}${path}`);
      if (res.status() !== 200) continue; // not this role's page
      if (path === '/content') {
        await page.fill('#text', '咨询电话13812345678，限时特价99元立即购买。');
        await Promise.all([page.waitForLoadState('load'), page.click('#check')]);
      }
      for (const v of await violations(page)) found.push(`${path}: ${v.id} (${v.impact}) ${v.nodes.join(', ')}`);
    }
    // Also at phone width, where the lists become cards.
    await page.setViewportSize({ width: 390, height: 844 });
    for (const path of ['/accounts', '/filings', '/todo']) {
      await page.goto(`${BASE}${path}`);
      for (const v of await violations(page)) found.push(`390px ${path}: ${v.id} (${v.impact}) ${v.nodes.join(', ')}`);
    }
    await context.close();
    assert.deepEqual(found, []);
  });
}

test('the login page has no serious or critical axe violation', async () => {
  const context = await browser.newContext({ locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto(`${BASE}/login`);
  assert.deepEqual(await violations(page), []);
  await context.close();
});
