// One full opening flow across users: the editor applies, the leader
// approves, the editor opens the account and files, the city bureau's
// publicity department and the publicity center accept.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, login, shot, BASE } from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function act(page, action, fill = {}) {
  // Approve and reject share one form: one 审批意见, 同意 / 不同意.
  const decide = action === 'approve' || action === 'reject';
  const form = page.locator(decide ? '#act-decide' : `#act-${action}`);
  if (action === 'approve' && await form.locator('[name=override_reason]').count() > 0) {
    fill = { override_reason: '名称开通后统一', ...fill };
  }
  for (const [name, value] of Object.entries(fill)) {
    await form.locator(`[name=${name}]`).fill(value);
  }
  await Promise.all([page.waitForLoadState('load'), form.locator(`#do-${action}`).click()]);
}

test('apply, approve, open, file, accept', async () => {
  const name = `南昌人社B站${Date.now() % 100000}`;
  const editor = await login(browser, 'nc_editor');
  await editor.page.goto(`${BASE}/filings`);
  await editor.page.click('#apply-open');
  await editor.page.selectOption('#platform', 'bilibili');
  await editor.page.fill('#name', name);
  await editor.page.fill('#responsible_person', '王磊');
  await Promise.all([editor.page.waitForURL(/\/filings\/\d+$/), editor.page.click('#submit')]);
  const url = editor.page.url();
  assert.match(await editor.page.textContent('main h1'), /待审批/);
  assert.equal(await editor.page.locator('#do-approve').count(), 0, 'the applicant cannot approve');

  const leader = await login(browser, 'nc_leader');
  await leader.page.goto(`${BASE}/todo`);
  await Promise.all([leader.page.waitForURL(url), leader.page.click(`#todo >> text=${name}`)]);
  await act(leader.page, 'approve', { opinion: '同意开设' });
  assert.match(await leader.page.textContent('main h1'), /已批准/);

  await editor.page.goto(url);
  assert.match(await editor.page.textContent('#due'), /备案时限/);
  await act(editor.page, 'open_account', { handle: 'ncrs_bilibili' });
  await act(editor.page, 'submit_filing');
  assert.match(await editor.page.textContent('main h1'), /备案待接收/);
  await shot(editor.page, 'filing-filed');

  const pub = await login(browser, 'nc_pub');
  await pub.page.goto(url);
  await act(pub.page, 'accept_filing', { opinion: '材料齐全' });
  const center = await login(browser, 'center');
  await center.page.goto(url);
  await act(center.page, 'accept_filing');
  assert.match(await center.page.textContent('main h1'), /已备案/);
  assert.match(await center.page.textContent('#steps'), /接收备案/);
  await shot(center.page, 'filing-accepted');
  for (const c of [editor, leader, pub, center]) await c.context.close();
});
