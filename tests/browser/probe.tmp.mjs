import { launch, login, BASE } from '/work/main/tests/browser/helpers.mjs';
const b = await launch();
const { context, page } = await login(b, 'nc_pub');
const [path, w, h] = [process.argv[2], Number(process.argv[3] || 1366), Number(process.argv[4] || 900)];
await page.setViewportSize({ width: w, height: h });
await page.goto(`${BASE}${path}`);
await page.screenshot({ path: '/tmp/shots/probe.png' });
await b.close();
