// Test helpers: load the extension's classic scripts into a jsdom window or into this Node process.
import { readFileSync } from 'node:fs';
import { runInThisContext } from 'node:vm';
import { JSDOM } from 'jsdom';

export const EXTRACTOR_SCRIPTS = ['src/lib/ids.js', 'src/extractors/common.js', 'src/extractors/huggingface.js',
  'src/extractors/arxiv.js', 'src/extractors/generic.js', 'src/extractors/index.js'];
const source = (file) => readFileSync(new URL(`../${file}`, import.meta.url), 'utf8');
// The content scripts exactly as the manifest loads them, in its order.
export const CONTENT_SCRIPTS = JSON.parse(source('manifest.json')).content_scripts[0].js;

export function fixture(name) {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
}

/** A jsdom window at `url` showing `html`, with `scripts` run in it as the browser would run them. */
export function pageWindow(html, url, scripts = EXTRACTOR_SCRIPTS, beforeScripts = () => undefined) {
  const dom = new JSDOM(html, { url, runScripts: 'outside-only', pretendToBeVisual: true });
  beforeScripts(dom.window);
  for (const file of scripts) dom.window.eval(source(file));
  return dom.window;
}

/** `findPapers` in `window`, with papers copied into this realm (so deepEqual compares plain values). */
export function findIn(window, url = window.location.href, options) {
  const { site, items } = window.PaperDrop.findPapers(window.document, url, options);
  return { site, items: Array.from(items, (item) => ({ ...item, paper: JSON.parse(JSON.stringify(item.paper)) })) };
}

/** What the extractors find on a fixture page shown at `url`. */
export function papersOf(fixtureName, url, options) {
  return findIn(pageWindow(fixture(fixtureName), url), url, options);
}

/** Run library scripts in this process (they publish on globalThis.PaperDrop) and return the namespace. */
export function loadLibs(...files) {
  for (const file of files) runInThisContext(source(file), { filename: file });
  return globalThis.PaperDrop;
}
