/* The extension in Debian's firefox-esr, driven over WebDriver BiDi by puppeteer-core (no downloaded browser).
 *
 * Run by tests/browser/test_firefox.py, which builds the fixture pages, runs the fake arXiv and the real
 * `paperdrop serve`, and asserts on what this script reports:
 *
 *   node test/firefox/run.mjs config.json
 *
 * config: {firefox, extensionDir, package, artifactsDir, settings: {serverUrl, token, ...}, pages: {url: html},
 *          queue: {url, count}, daily: {url, count}, popup: {url, count}, waitMs}
 *
 * Install routes (extension/README.md "Firefox"): a first, short Firefox run with signatures required (the
 * default) checks that the unsigned package (`package`, built by `web-ext build`) is refused as a permanent
 * add-on while the unpacked folder installs as a temporary one (what about:debugging does). The checks then
 * run on the package installed permanently with xpinstall.signatures.required=false, the route Firefox ESR
 * and Developer Edition honour, so what is tested is the file users install.
 *
 * stdout: one JSON object a line. `{"event": "need-server"}` asks the caller to start the server (the offline
 * queue check runs first, with none); the caller answers with one line on stdin. The last line is
 * `{"event": "result", ...}` with what each check saw, or `{"event": "error", message, ...}`.
 *
 * Page URLs stay the real ones (https://huggingface.co/..., https://arxiv.org/...) so the manifest's
 * content-script matches are what is exercised: BiDi request interception answers them with the fixture
 * pages from the config before any DNS lookup, so nothing reaches the internet. Only the pages' own tabs are
 * intercepted; the extension's background reaches `paperdrop serve` on 127.0.0.1 directly.
 *
 * Buttons are found by the content script's stable hooks (`.paperdrop-save` inside `.paperdrop[data-state]`,
 * docs/reference.md "Browser extension"); their wording is reported, not relied on.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import puppeteer from 'puppeteer-core';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const WAIT_MS = config.waitMs || 30000;
const GECKO_ID = JSON.parse(readFileSync(join(config.extensionDir, 'manifest.json'), 'utf8'))
  .browser_specific_settings.gecko.id;
const UUID = randomUUID(); // moz-extension://<UUID>/, fixed through the extensions.webextensions.uuids pref
const MAPPED_SITES = /^https:\/\/(huggingface\.co|arxiv\.org)\//;

const emit = (event) => process.stdout.write(`${JSON.stringify(event)}\n`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const started = Date.now();
const timings = {};
const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();

mkdirSync(config.artifactsDir, { recursive: true });

async function shoot(page, name) {
  try {
    await page.screenshot({ path: join(config.artifactsDir, `firefox-${name}.png`), fullPage: true });
  } catch (error) {
    emit({ event: 'log', message: `screenshot ${name} failed: ${error.message}` });
  }
}

/** Poll `fn(arg)` in `page` until `done(value)`; on timeout throw with the last value seen. */
async function waitFor(page, what, fn, arg, done) {
  const deadline = Date.now() + WAIT_MS;
  let value;
  for (;;) {
    try {
      value = await page.evaluate(fn, arg);
    } catch (error) {
      value = { evaluateError: error.message };
    }
    if (!value?.evaluateError && done(value)) return value;
    if (Date.now() > deadline) {
      const error = new Error(`timed out after ${WAIT_MS} ms waiting for ${what}`);
      error.lastSeen = value;
      throw error;
    }
    await sleep(100);
  }
}

/** Every Save widget of the page: its state (the CSS hook) and the button's text. */
function widgets() {
  return [...document.querySelectorAll('.paperdrop')].map((root) => ({
    id: root.dataset.paperdropId,
    state: root.dataset.state,
    text: root.querySelector('.paperdrop-save')?.textContent ?? null,
    inCard: Boolean(root.closest('article, dt, #abs, .ltx_document')),
  }));
}

const allIn = (states, count) => (list) => list.length === count && list.every((w) => states.includes(w.state));

/**
 * page.setViewport, also on Firefox ESR 140 (Debian bookworm's firefox-esr), whose WebDriver BiDi lacks
 * emulation.setScreenOrientationOverride: puppeteer sends it alongside browsingContext.setViewport, which
 * sets the size; only the orientation (which these pages never read) is refused there.
 */
async function setViewport(page, viewport) {
  try {
    await page.setViewport(viewport);
  } catch (error) {
    if (!String(error?.message).includes('setScreenOrientationOverride')) throw error;
  }
}

async function openSite(browser, url) {
  const page = await browser.newPage();
  await setViewport(page, { width: 1100, height: 900 });
  await page.setRequestInterception(true);
  page.on('request', (request) => {
    const wanted = request.url();
    if (!MAPPED_SITES.test(wanted)) return request.continue();
    const html = config.pages[wanted];
    return request.respond({
      status: html === undefined ? 404 : 200,
      contentType: 'text/html; charset=utf-8',
      body: html ?? '<h1>Not found</h1>',
    });
  });
  await page.goto(url, { waitUntil: 'load' });
  return page;
}

/**
 * A tab showing one of the extension's own pages, where `browser.*` APIs can be called. BiDi refuses to
 * navigate to moz-extension:// unless Firefox runs with -remote-allow-system-access, and then reports no
 * navigation events for it, so the load is awaited by polling.
 */
async function openExtensionPage(browser, path, viewport = { width: 1000, height: 800 }) {
  const page = await browser.newPage();
  await setViewport(page, viewport);
  const url = `moz-extension://${UUID}/${path}`;
  page.goto(url).catch(() => undefined);
  await waitFor(page, `${path} to load`, () => ({ href: location.href, ready: document.readyState }), null,
    (v) => v.href === url && v.ready === 'complete');
  return page;
}

/** The extension's tab id of `site` (tab URLs are visible to it for its host permissions). */
async function tabIdOf(helper, site) {
  const url = site.url();
  const tabs = await helper.evaluate(() => browser.tabs.query({}).then((all) => all.map((t) => ({ id: t.id, url: t.url }))));
  const tab = tabs.find((t) => t.url === url);
  if (!tab) throw Object.assign(new Error(`no tab with url ${url}`), { lastSeen: tabs });
  return tab.id;
}

/** In an extension page: the offline queue in storage.local and the badge that counts it. */
const extensionState = async () => ({
  queue: (await browser.storage.local.get('queue')).queue ?? [],
  badge: await browser.action.getBadgeText({}),
});

async function checkQueue(browser, helper) {
  // (d) server down: every click is queued in storage.local and counted on the badge; server up: delivered.
  const { url, count } = config.queue;
  const page = await openSite(browser, url);
  await waitFor(page, 'the listing\'s buttons', widgets, null, (list) => list.length === count);
  const buttons = await page.$$('.paperdrop-save');
  for (const button of buttons) await button.click();
  const queued = await waitFor(page, 'every click to be queued', widgets, null, allIn(['queued'], count));
  const whileDown = await waitFor(helper, 'the queue to hold every clip', extensionState, null,
    (s) => s.queue.length === count);
  await shoot(page, 'queue-server-down');
  emit({ event: 'need-server' });
  const answer = await lines.next();
  if (answer.done) throw new Error('stdin closed before the server was started');
  const t0 = Date.now();
  const delivered = await waitFor(page, 'the queued clips to be delivered', widgets, null, allIn(['saved'], count));
  timings.queueDeliveredMs = Date.now() - t0;
  const afterUp = await waitFor(helper, 'the queue to empty', extensionState, null,
    (s) => s.queue.length === 0 && s.badge === '');
  await shoot(page, 'queue-delivered');
  await page.close();
  return {
    queued, delivered, queueWhileDown: whileDown.queue.length, badgeWhileDown: whileDown.badge,
    queueAfterUp: afterUp.queue.length, badgeAfterUp: afterUp.badge,
  };
}

async function checkDaily(browser) {
  // (a) buttons on a Hugging Face daily page; (b) a click saves through `paperdrop serve`.
  const { url, count } = config.daily;
  const page = await openSite(browser, url);
  const initial = await waitFor(page, 'a Save button on every paper', widgets, null, (list) => list.length === count);
  await shoot(page, 'hf-daily-buttons');
  const t0 = Date.now();
  await page.click('.paperdrop-save');
  const after = await waitFor(page, 'the clicked button to settle', widgets, null,
    (list) => list[0] && !['idle', 'saving', 'queued'].includes(list[0].state));
  timings.clickToSettledMs = Date.now() - t0;
  await shoot(page, 'hf-daily-saved');
  await page.close();
  return { initial, after };
}

async function checkPopup(browser) {
  // (c) the popup's "Save all", opened as a tab about the page's tab (popup.html?tab=<id>, popup/popup.js).
  const { url, count } = config.popup;
  const page = await openSite(browser, url);
  await waitFor(page, 'the page\'s buttons', widgets, null, (list) => list.length === count);
  const lookup = await openExtensionPage(browser, 'options/options.html');
  const tabId = await tabIdOf(lookup, page);
  await lookup.close();
  const popup = await openExtensionPage(browser, `popup/popup.html?tab=${tabId}`, { width: 420, height: 700 });
  const rows = () => [...document.querySelectorAll('#papers li')].map((li) => ({
    text: li.textContent, state: li.dataset.state ?? li.querySelector('[data-state]')?.dataset.state ?? null,
  }));
  const listed = await waitFor(popup, 'the popup to list the page\'s papers', rows, null, (list) => list.length === count);
  await waitFor(popup, 'the popup\'s Save all to be enabled', () => !document.querySelector('#save-all')?.disabled, null, Boolean);
  await shoot(popup, 'popup-before-save');
  const t0 = Date.now();
  await popup.click('#save-all');
  const settled = await waitFor(popup, 'every popup row to be saved', rows, null,
    (list) => list.length === count && list.every((r) => r.state === 'saved'));
  timings.popupSaveAllMs = Date.now() - t0;
  const message = await popup.evaluate(() => document.querySelector('#message')?.textContent ?? null);
  await shoot(popup, 'popup-saved');
  const pageAfter = await waitFor(page, 'the page\'s buttons to follow the popup', widgets, null, allIn(['saved'], count));
  await popup.close();
  await page.close();
  return { tabId, listed: listed.length, settled, message, pageAfter };
}

function launch(prefs) {
  return puppeteer.launch({
    browser: 'firefox',
    executablePath: config.firefox,
    headless: true,
    // Test-only: lets BiDi open moz-extension:// pages (the popup and options) in tabs.
    args: ['--remote-allow-system-access'],
    extraPrefsFirefox: { 'extensions.webextensions.uuids': JSON.stringify({ [GECKO_ID]: UUID }), ...prefs },
  });
}

/** BiDi webExtension.install; answers the extension id, or the refusal's first line. */
async function install(browser, extensionData, permanent) {
  try {
    const { result } = await browser.connection.send('webExtension.install', { extensionData, 'moz:permanent': permanent });
    return { installed: result.extension };
  } catch (error) {
    return { refused: error.message.split('\n')[0] };
  }
}

/** With signatures required (Firefox's default): the routes a user has without signing the package. */
async function checkSignatures() {
  const browser = await launch({});
  try {
    return {
      permanentUnsigned: await install(browser, { type: 'archivePath', path: config.package }, true),
      temporaryFolder: await install(browser, { type: 'path', path: config.extensionDir }, false),
    };
  } finally {
    await browser.close();
  }
}

async function main() {
  let browser;
  let step = 'signatures';
  try {
    const signatures = await checkSignatures();
    step = 'launch';
    browser = await launch({ 'xpinstall.signatures.required': false });
    const version = await browser.version();
    step = 'install';
    const permanent = await install(browser, { type: 'archivePath', path: config.package }, true);
    if (!permanent.installed) throw new Error(`the package did not install: ${permanent.refused}`);
    const { installed } = permanent;
    timings.startedMs = Date.now() - started;
    step = 'configure';
    const helper = await openExtensionPage(browser, 'options/options.html');
    const manifest = await helper.evaluate(() => browser.runtime.getManifest().version);
    await helper.evaluate((settings) => browser.storage.local.set(settings), config.settings);
    step = 'queue';
    const queue = await checkQueue(browser, helper);
    step = 'daily';
    const daily = await checkDaily(browser);
    step = 'popup';
    const popup = await checkPopup(browser);
    timings.totalMs = Date.now() - started;
    emit({ event: 'result', version, installed, signatures, manifest, uuid: UUID, queue, daily, popup, timings });
  } catch (error) {
    emit({ event: 'error', step, message: error.message, stack: error.stack, lastSeen: error.lastSeen ?? null });
    process.exitCode = 1;
  } finally {
    await browser?.close().catch(() => undefined);
    process.exit(); // stdin may still be open
  }
}

main();
