// Runs one browser scenario against a running Proxy (or the tests' fake of it) with Debian's Chromium.
//   node run.mjs <scenario> --base <url> --out <dir> [--key <api key>] [--model <id>] [--expect <text>]
// Handshake with the C# test: the script prints "wait <step>" and continues after a line on stdin
// (the test has done its part, e.g. written a log line). The last line is "ok" or the failure.
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';

const [scenario, ...rest] = process.argv.slice(2);
const options = {};
for (let i = 0; i < rest.length; i += 2) options[rest[i].replace(/^--/, '')] = rest[i + 1];
const base = options.base.replace(/\/$/, '');
const out = options.out;
mkdirSync(out, { recursive: true });

const stdin = createInterface({ input: process.stdin });
const lines = stdin[Symbol.asyncIterator]();
async function handshake(step) {
  console.log(`wait ${step}`);
  const { value, done } = await lines.next();
  if (done || value.trim() !== 'go') throw new Error(`the test did not confirm step ${step}`);
}

const timeout = Number(options.timeout ?? 20000);
const profile = mkdtempSync(join(tmpdir(), 'llamaswap-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1360, height: 860 },
  // What a person types into the browser's own prompt when the Proxy answers 401 with a Basic challenge.
  ...(options['basic-password'] ? { httpCredentials: { username: 'ui', password: options['basic-password'] } } : {}),
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});
context.setDefaultTimeout(timeout);
const errors = [];
// Shown only when the scenario fails, to tell why.
const diagnostics = [];

async function newPage(colorScheme = 'light') {
  const page = await context.newPage();
  await page.emulateMedia({ colorScheme });
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => diagnostics.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  page.on('response', (r) => r.status() >= 400 && diagnostics.push(`${r.status()} ${r.url()}`));
  page.on('console', (m) => diagnostics.push(`console ${m.type()}: ${m.text()}`));
  page.on('console', (m) => m.type() === 'error' && !/Failed to load resource/.test(m.text()) && errors.push(`console: ${m.text()}`));
  if (options.key) {
    await page.addInitScript((key) => localStorage.setItem('llamaswap.apiKey', key), options.key);
  }
  return page;
}

async function shot(page, name) {
  await page.screenshot({ path: join(out, `${name}.png`), fullPage: false });
}

async function live(page) {
  await page.locator('[data-testid=connection][data-state=live]').waitFor();
}

async function both(page, name, action) {
  for (const scheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme: scheme });
    if (action) await action();
    await page.waitForTimeout(150); // let transitions settle before the picture
    await shot(page, `${name}-${scheme}`);
  }
}

function row(page, model) {
  return page.locator(`[data-testid=model-row][data-model="${model}"]`);
}

const scenarios = {
  /** Load and unload one model from the Models page. */
  async models() {
    const model = options.model;
    const page = await newPage();
    await page.goto(`${base}/ui/`);
    await live(page);
    const entry = row(page, model);
    await entry.waitFor();
    if ((await entry.getAttribute('data-state')) !== 'stopped') throw new Error(`${model} is not stopped at the start`);
    await entry.locator('[data-testid=load]').click();
    await page.locator(`[data-testid=model-row][data-model="${model}"][data-state=ready]`).waitFor();
    if (options.expect === 'ttl') await entry.locator('[data-testid=ttl-remaining]').waitFor();
    await both(page, 'models-loaded');
    await entry.locator('[data-testid=unload]').click();
    await page.locator(`[data-testid=model-row][data-model="${model}"][data-state=stopped]`).waitFor();
    await shot(page, 'models-unloaded');
  },

  /** Search narrows the list (by alias too); a pinned model moves to the top and stays there after a reload. */
  async search() {
    const page = await newPage();
    await page.goto(`${base}/ui/`);
    await live(page);
    const rows = page.locator('[data-testid=model-row]');
    await rows.first().waitFor();
    const search = page.getByLabel('Search models');
    await search.fill(options.expect);
    await page.waitForFunction(
      (model) => [...document.querySelectorAll('[data-testid=model-row]')].map((r) => r.dataset.model).join() === model,
      options.model,
    );
    await shot(page, 'models-search');
    await search.fill('');
    const pinned = options.pin;
    if ((await rows.first().getAttribute('data-model')) === pinned) throw new Error(`${pinned} is already first before pinning`);
    await page.getByRole('button', { name: `Pin ${pinned}`, exact: true }).click();
    await page.waitForFunction((model) => document.querySelector('[data-testid=model-row]')?.dataset.model === model, pinned);
    await page.reload();
    await live(page);
    await rows.first().waitFor();
    const first = await rows.first().getAttribute('data-model');
    if (first !== pinned) throw new Error(`after a reload the first model is ${first}, not the pinned ${pinned}`);
    await shot(page, 'models-pinned');
  },

  /** An endpoint model (a server running elsewhere): ready while healthy, tagged, nothing to load or unload. */
  async endpoint() {
    const model = options.model;
    const page = await newPage();
    await page.goto(`${base}/ui/`);
    await live(page);
    const entry = page.locator(`[data-testid=model-row][data-model="${model}"][data-state=ready]`);
    await entry.getByText('endpoint', { exact: true }).waitFor();
    if (await entry.locator('[data-testid=load], [data-testid=unload]').count()) throw new Error(`${model} offers load or unload`);
    await shot(page, 'endpoint');
  },

  /** A streamed chat in the playground: the reply must grow in steps, then show its statistics. */
  async chat() {
    const page = await newPage();
    await page.goto(`${base}/ui/playground/chat`);
    await live(page);
    const picker = page.locator('[data-testid=model-picker]');
    await picker.locator(`option[value="${options.model}"]`).waitFor({ state: 'attached' });
    await picker.selectOption(options.model);
    await page.locator('[data-testid=system-prompt]').fill('You are terse.');
    await page.locator('[data-testid=chat-input]').fill('Say hello in markdown.');
    // Record every length the reply passes through while it streams.
    await page.evaluate(() => {
      const seen = new Set();
      window.__replyLengths = seen;
      new MutationObserver(() => {
        const el = document.querySelector('[data-testid=assistant-content]');
        if (el) seen.add(el.textContent.length);
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await page.locator('[data-testid=chat-send]').click();
    await page.locator('[data-testid=chat-stop]').waitFor();
    await page.locator('[data-testid=chat-stats]').waitFor({ timeout: timeout * 2 });
    const text = await page.locator('[data-testid=assistant-content]').innerText();
    const steps = await page.evaluate(() => window.__replyLengths.size);
    if (!text.trim()) throw new Error('the reply is empty');
    if (options.expect && !text.includes(options.expect)) throw new Error(`the reply does not contain "${options.expect}": ${text}`);
    if (steps < 3) throw new Error(`the reply arrived in ${steps} step(s), not streamed`);
    if (options.markdown) await page.locator('[data-testid=assistant-content] strong, [data-testid=assistant-content] li').first().waitFor();
    console.log(`reply ${text.length} chars in ${steps} steps`);
    await both(page, 'playground-chat');
  },

  /** The playground's Images tab: a generated picture is shown, decoded by the browser. */
  async images() {
    const page = await newPage();
    await page.goto(`${base}/ui/playground/images`);
    await live(page);
    const picker = page.locator('[data-testid=model-picker]');
    await picker.locator(`option[value="${options.model}"]`).waitFor({ state: 'attached' });
    await picker.selectOption(options.model);
    await page.getByLabel('Prompt').fill('a red square');
    await page.getByRole('button', { name: 'Generate' }).click();
    const image = page.locator('.gallery img').first();
    await image.waitFor({ timeout: timeout * 2 });
    const width = await image.evaluate(async (img) => {
      await img.decode();
      return img.naturalWidth;
    });
    if (!(width > 0)) throw new Error('the generated image did not decode');
    console.log(`image ${width} px wide`);
    await shot(page, 'playground-images');
  },

  /** The playground's Audio tab: an uploaded recording comes back as a transcript. */
  async transcription() {
    const page = await newPage();
    await page.goto(`${base}/ui/playground/audio`);
    await live(page);
    const panel = page.locator('section', { has: page.getByRole('heading', { name: 'Transcription' }) });
    const picker = panel.locator('[data-testid=model-picker]');
    await picker.locator(`option[value="${options.model}"]`).waitFor({ state: 'attached' });
    await picker.selectOption(options.model);
    // A valid 0.1 s silent WAV: RIFF header, 16-bit mono PCM at 8 kHz.
    const samples = 800;
    const wav = Buffer.alloc(44 + samples * 2);
    wav.write('RIFF', 0); wav.writeUInt32LE(36 + samples * 2, 4); wav.write('WAVEfmt ', 8);
    wav.writeUInt32LE(16, 16); wav.writeUInt16LE(1, 20); wav.writeUInt16LE(1, 22); wav.writeUInt32LE(8000, 24);
    wav.writeUInt32LE(16000, 28); wav.writeUInt16LE(2, 32); wav.writeUInt16LE(16, 34); wav.write('data', 36); wav.writeUInt32LE(samples * 2, 40);
    await panel.locator('input[type=file]').setInputFiles({ name: 'hello.wav', mimeType: 'audio/wav', buffer: wav });
    await panel.getByRole('button', { name: 'Transcribe' }).click();
    const result = panel.locator('.result');
    await result.waitFor({ timeout: timeout * 2 });
    const text = (await result.innerText()).trim();
    if (!text) throw new Error('the transcript is empty');
    console.log(`transcript: ${text}`);
    await shot(page, 'playground-audio');
  },

  /** A log line written after the page connected appears live; the filter narrows to it. */
  async logs() {
    const page = await newPage();
    await page.goto(`${base}/ui/logs`);
    await live(page);
    await page.waitForTimeout(300);
    await handshake('log');
    const view = page.locator(`[data-testid=${options.source ?? 'proxy'}-log]`);
    const line = view.locator('.line', { hasText: options.expect }).first();
    await line.waitFor();
    if (options.ansi) {
      const colour = await line.locator('span', { hasText: options.expect }).evaluate((el) => getComputedStyle(el).color);
      const plain = await view.evaluate((el) => getComputedStyle(el.querySelector('.viewport')).color);
      if (colour === plain) throw new Error(`the ANSI-coloured text is shown in the plain colour ${plain}`);
    }
    await both(page, 'logs');
    await view.locator('input').fill(options.expect);
    const shown = await view.locator('.line').allInnerTexts();
    if (shown.length === 0 || shown.some((l) => !l.includes(options.expect))) throw new Error(`the filter shows ${JSON.stringify(shown)}`);
    await view.getByRole('button', { name: 'Pause' }).click();
    await shot(page, 'logs-filtered-paused');
  },

  /** A finished request appears in the activity table with its tokens; its detail shows the capture. */
  async activity() {
    const page = await newPage();
    await page.goto(`${base}/ui/activity`);
    await live(page);
    await page.locator('[data-testid=activity-table]').waitFor();
    await handshake('request');
    const entry = page.locator(`[data-testid=activity-row][data-model="${options.model}"]`).first();
    await entry.waitFor();
    const output = Number((await entry.locator('[data-testid=output-tokens]').innerText()).replace(/,/g, ''));
    if (!(output > 0)) throw new Error(`the activity row shows ${output} output tokens`);
    console.log(`activity row with ${output} output tokens`);
    await both(page, 'activity');
    await entry.click();
    await page.locator('[data-testid=activity-detail]').waitFor();
    if (options.capture) await page.getByText('Response', { exact: true }).waitFor();
    await both(page, 'activity-detail');
  },

  /** A running request shows in the in-flight table; its cancel button ends it. */
  async inflight() {
    const page = await newPage();
    await page.goto(`${base}/ui/activity`);
    await live(page);
    await handshake('request');
    const entry = page.locator('[data-testid=inflight-row]').first();
    await entry.waitFor();
    await both(page, 'inflight');
    await entry.locator('[data-testid=cancel-inflight]').click();
    await page.locator('[data-testid=inflight-row]').waitFor({ state: 'detached' });
    await handshake('cancelled');
  },

  /** Behind API keys with the browser's Basic prompt answered: pages and streams work without the in-app key. */
  async basicauth() {
    const page = await newPage();
    await page.goto(`${base}/ui/`);
    await live(page);
    await row(page, options.model).waitFor();
    await page.goto(`${base}/ui/logs`);
    await live(page);
    await page.locator('[data-testid=proxy-log] .line').first().waitFor();
    if (await page.locator('[data-testid=key-prompt]').count()) throw new Error('the in-app key prompt appeared although the browser had the key');
  },

  /** Every page in light and dark, for the eye (the other scenarios check behaviour). */
  async tour() {
    const page = await newPage();
    await page.goto(`${base}/ui/`);
    await live(page);
    await row(page, options.model).waitFor();
    await both(page, 'tour-models');
    await page.goto(`${base}/ui/models/${encodeURIComponent(options.model)}`);
    await live(page);
    await both(page, 'tour-model-detail');
    await page.goto(`${base}/ui/models/${encodeURIComponent(options.model)}/logs`);
    await page.locator('[data-testid=model-log] .line').first().waitFor();
    await both(page, 'tour-model-logs');
    await page.goto(`${base}/ui/playground/embeddings`);
    await live(page);
    await page.getByRole('button', { name: 'Embed' }).click();
    await page.locator('[data-testid=embeddings-result]').waitFor();
    await both(page, 'tour-embeddings');
    await page.goto(`${base}/ui/settings`);
    await both(page, 'tour-settings');
    await page.goto(`${base}/ui/activity`);
    await live(page);
    await page.locator('[data-testid=activity-row]').first().waitFor();
    await both(page, 'tour-activity');
  },

  /** Behind API keys: the page asks once, keeps the key, and then works. */
  async apikey() {
    const page = await context.newPage();
    page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
    await page.goto(`${base}/ui/`);
    await page.locator('[data-testid=key-prompt]').waitFor();
    await shot(page, 'apikey-prompt');
    await page.getByRole('textbox', { name: 'API key' }).fill(options.key);
    await page.getByRole('button', { name: 'Save key' }).click();
    await live(page);
    await row(page, options.model).waitFor();
    await page.reload();
    await live(page);
    await row(page, options.model).waitFor();
    if (await page.locator('[data-testid=key-prompt]').count()) throw new Error('the key prompt came back after a reload');
  },
};

let failed = false;
try {
  if (!scenarios[scenario]) throw new Error(`unknown scenario ${scenario}`);
  await scenarios[scenario]();
  if (errors.length) throw new Error(errors.join('\n'));
} catch (error) {
  failed = true;
  const pages = context.pages().filter((p) => p.url() !== 'about:blank');
  for (const [i, page] of pages.entries()) await page.screenshot({ path: join(out, `failure-${scenario}-${i + 1}.png`) }).catch(() => {});
  console.log(`failed: ${[error.message, ...errors, ...diagnostics.slice(-20)].join('\n').split('\n').join(' | ')}`);
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
  stdin.close();
}
if (!failed) console.log('ok');
process.exit(failed ? 1 : 0);
