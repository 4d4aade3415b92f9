// File-upload forms (Excel import, calendar JSON) post their CSRF token as a
// form field, never in the URL: a real browser's submission gets past the
// CSRF check and reaches the handler, which then judges the file.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, login, shot, BASE } from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function submitUpload(page, form, path) {
  const [res] = await Promise.all([
    page.waitForResponse((r) => new URL(r.url()).pathname === path && r.request().method() === 'POST'),
    page.click(`${form} button[type=submit]`),
  ]);
  await page.waitForLoadState();
  assert.ok(!res.url().includes('_csrf'), `${path}: no token in the URL`);
  const body = await page.textContent('main');
  assert.ok(!body.includes('页面已过期'), `${path}: the CSRF check passed`);
  return { status: res.status(), body };
}

test('the Excel import form sends its token in the body', async () => {
  const { context, page } = await login(browser, 'nc_editor');
  await page.goto(`${BASE}/accounts/import`);
  const form = 'form[enctype="multipart/form-data"]';
  assert.equal(await page.locator(`${form} input[name=_csrf]`).count(), 1);
  await page.setInputFiles(`${form} input[type=file]`, {
    name: 'not-a-workbook.xlsx',
    mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    buffer: Buffer.from('this is not a workbook'),
  });
  await page.fill(`${form} #reason`, '平台上线前已开设的存量账号');
  const { status, body } = await submitUpload(page, form, '/accounts/import');
  assert.equal(status, 422);
  assert.match(body, /无法读取该文件/);
  await shot(page, 'import-rejected');
  await context.close();
});

test('the calendar upload form sends its token in the body', async () => {
  const { context, page } = await login(browser, 'center');
  await page.goto(`${BASE}/calendar`);
  const form = 'form[enctype="multipart/form-data"]';
  assert.equal(await page.locator(`${form} input[name=_csrf]`).count(), 1);
  await page.fill(`${form} textarea[name=json]`, '{"year": 2031, "days": [');
  const { status } = await submitUpload(page, form, '/calendar/years');
  assert.equal(status, 422, 'malformed JSON is judged by the page, not refused as CSRF');
  await context.close();
});
