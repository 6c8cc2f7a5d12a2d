// Opens each dashboard page in Debian's Chromium through playwright-core and saves a screenshot.
// Usage: node screenshots.mjs <config.json>; prints one JSON line per page: {name, ok, text, error}.
// The config names playwright-core's entry file (installed by the AppHost's npm ci), the browser,
// the login link, the output folder and the pages ({name, hash, waitFor, theme}).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const config = JSON.parse(await readFile(process.argv[2], 'utf8'));
const { chromium } = await import(pathToFileURL(config.playwrightCore).href);

const userDataDir = await mkdtemp(join(tmpdir(), 'llamaswap-chromium-'));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: config.chromium,
  headless: true,
  viewport: { width: 1440, height: 900 },
  args: [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
  ],
});

try {
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(config.timeoutMs ?? 20000);
  const consoleErrors = [];
  page.on('pageerror', (e) => consoleErrors.push(String(e)));

  // The printed link logs the browser in (cookie) and lands on the dashboard.
  await page.goto(config.loginUrl);
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));

  for (const spec of config.pages) {
    try {
      await page.evaluate((theme) => localStorage.setItem('llamaswap-theme', theme), spec.theme ?? 'light');
      await page.goto(new URL(`/${spec.hash}`, config.loginUrl).href);
      await page.reload();
      await page.waitForSelector(spec.waitFor, { state: 'visible' });
      if (spec.click) await page.click(spec.click);
      if (spec.waitAfterClick) await page.waitForSelector(spec.waitAfterClick, { state: 'visible' });
      // Let transitions and the first live update settle before the picture.
      await page.waitForLoadState('networkidle').catch(() => {});
      await page.screenshot({ path: join(config.outDir, `${spec.name}.png`), fullPage: false });
      const text = await page.evaluate(() => document.body.innerText);
      console.log(JSON.stringify({ name: spec.name, ok: true, text, errors: consoleErrors.splice(0) }));
    } catch (e) {
      await page.screenshot({ path: join(config.outDir, `${spec.name}-failed.png`) }).catch(() => {});
      // What the page showed instead explains a failure without the screenshot at hand.
      const text = await page.evaluate(() => document.body.innerText.slice(0, 2000)).catch(() => '');
      console.log(JSON.stringify({ name: spec.name, ok: false, error: String(e), text, errors: consoleErrors.splice(0) }));
    }
  }
} finally {
  await context.close();
  await rm(userDataDir, { recursive: true, force: true });
}
