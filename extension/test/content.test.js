// The content script in a jsdom page: buttons on every paper, kept through DOM changes, states from replies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CONTENT_SCRIPTS, fixture, pageWindow } from './helpers.js';

/** A stand-in for the background end of runtime messaging; `reply(message)` answers each message. */
function withRuntime(reply, library = () => ({ ok: true, papers: [] })) {
  const sent = [];
  const asked = [];
  const listeners = [];
  const install = (window) => {
    window.chrome = { runtime: {
      sendMessage: async (message) => {
        if (message.type === 'library') {
          asked.push(message.arxivIds);
          return library(message);
        }
        sent.push(message);
        return reply(message);
      },
      onMessage: { addListener: (fn) => listeners.push(fn) },
    } };
  };
  const ask = (message) => new Promise((resolve) => listeners[0](message, {}, resolve));
  return { sent, asked, install, ask };
}

async function until(check, what, timeoutMs = 2000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const POLL = { intervalMs: 1, timeoutMs: 5000 };
const buttons = (window) => [...window.document.querySelectorAll('.paperdrop-save')];

test('content script puts one Save button on every paper card', () => {
  const runtime = withRuntime(() => ({ ok: true }));
  const window = pageWindow(fixture('hf-daily.html'), 'https://huggingface.co/papers', CONTENT_SCRIPTS, runtime.install);
  assert.equal(buttons(window).length, 3);
  assert.ok(window.document.querySelectorAll('article h3 + .paperdrop').length === 3);
  assert.equal(buttons(window)[0].textContent, 'Save to PaperDrop');
});

test('content script decorates cards that appear after a client-side navigation', async () => {
  const runtime = withRuntime(() => ({ ok: true }));
  const window = pageWindow(fixture('hf-daily.html'), 'https://huggingface.co/papers', CONTENT_SCRIPTS, runtime.install);
  const grid = window.document.querySelector('.grid');
  window.history.pushState({}, '', '/papers/date/2024-03-21');
  grid.replaceChildren(); // the SPA swaps the list
  const card = window.document.createElement('article');
  card.innerHTML = '<h3><a href="/papers/2403.99999">A New Day</a></h3>';
  grid.append(card);
  await until(() => card.querySelector('.paperdrop'), 'a button on the new card');
  assert.equal(buttons(window).length, 1);
  const listed = await runtime.ask({ type: 'list-papers' });
  assert.deepEqual(Array.from(listed.papers, (p) => p.arxiv_id), ['2403.99999']);
  assert.equal(listed.papers[0].source_url, 'https://huggingface.co/papers/date/2024-03-21');
});

test('content script shows the state the background reports after a click', async () => {
  const runtime = withRuntime((message) => {
    if (message.type === 'save') {
      return { ok: true, clips: [{ id: 11, status: 'received', duplicate: false, outcome: { kind: 'saving', message: 'Looking it up on arXiv…' } }], poll: POLL };
    }
    return { ok: true, views: { 11: { state: 'saved', text: 'Saved to papers.bib', final: true } } };
  });
  const window = pageWindow(fixture('arxiv-list-new.html'), 'https://arxiv.org/list/cs.RO/new', CONTENT_SCRIPTS, runtime.install);
  const button = window.document.querySelector('dt .paperdrop-save');
  button.click();
  await until(() => button.textContent === 'Saved to papers.bib', 'the saved state');
  assert.equal(runtime.sent[0].papers[0].arxiv_id, '2403.12943');
  assert.deepEqual(JSON.parse(JSON.stringify(runtime.sent[1])), { type: 'clipStates', clips: [{ id: 11 }] });
  assert.equal(button.disabled, false); // a click now offers the card: where it is, save to another target
  assert.equal(button.closest('.paperdrop').querySelector('.paperdrop-card').hidden, true);
});

test('content script keeps the error out of the button: a short state, the words and the way out in the card', async () => {
  const message = 'PaperDrop rejected the token. Open the PaperDrop options and press “Pair with PaperDrop”.';
  const runtime = withRuntime((m) => (m.type === 'save' ? { ok: false, error: { message, code: 'unauthorized' } } : { ok: true }));
  const window = pageWindow(fixture('arxiv-abs.html'), 'https://arxiv.org/abs/2403.12943', CONTENT_SCRIPTS, runtime.install);
  const root = window.document.querySelector('h1 + .paperdrop');
  const button = root.querySelector('.paperdrop-save');
  button.click();
  await until(() => button.textContent === 'Not connected', 'the short state');
  const card = root.querySelector('.paperdrop-card');
  assert.equal(card.hidden, false);
  assert.equal(root.querySelector('.paperdrop-detail').textContent, message);
  const options = root.querySelector('.paperdrop-options');
  assert.equal(options.hidden, false);
  options.click();
  await until(() => runtime.sent.some((m) => m.type === 'openOptions'), 'the options to open');
  assert.equal(button.disabled, false);
});

const setupOutcome = { kind: 'needs_setup', message: 'Zotero refused the API key.', fix: 'Create a key with write access, then set zotero_api_key in paperdrop.toml.',
  target: 'zotero:Reading', links: { setup: 'http://127.0.0.1:7077/targets#target-1', paper: 'http://127.0.0.1:7077/papers/2' } };

test('content script shows needs_setup from the save answer at once: the fix in words and the dashboard link', async () => {
  const runtime = withRuntime(() => ({ ok: true, clips: [{ id: 3, paper_id: 2, outcome: setupOutcome }], poll: POLL }));
  const window = pageWindow(fixture('arxiv-abs.html'), 'https://arxiv.org/abs/2403.12943', CONTENT_SCRIPTS, runtime.install);
  const root = window.document.querySelector('h1 + .paperdrop');
  root.querySelector('.paperdrop-save').click();
  await until(() => root.dataset.state === 'setup', 'the setup state');
  assert.equal(root.querySelector('.paperdrop-save').textContent, 'Needs setup');
  assert.equal(root.querySelector('.paperdrop-card').hidden, false);
  assert.equal(root.querySelector('.paperdrop-detail').textContent, setupOutcome.message);
  assert.equal(root.querySelector('.paperdrop-fix').textContent, setupOutcome.fix);
  const link = root.querySelector('.paperdrop-link');
  assert.equal(link.href, setupOutcome.links.setup);
  assert.equal(link.textContent, 'Fix it on the dashboard');
  assert.deepEqual(runtime.sent.map((m) => m.type), ['save']); // final: no polling
});

test('content script retries a failed delivery and follows the clip again', async () => {
  const failed = { kind: 'failed', message: 'Zotero refused the item.', fix: 'Retry.', target: 'zotero:Reading', links: {} };
  const saved = { kind: 'saved', message: 'Saved to Zotero: Reading', target: 'zotero:Reading', links: {} };
  const runtime = withRuntime((m) => (m.type === 'save' ? { ok: true, clips: [{ id: 3, paper_id: 2, outcome: failed }], poll: POLL }
    : { ok: true, clips: [{ id: 3, paper_id: 2, outcome: saved }], poll: POLL }));
  const window = pageWindow(fixture('arxiv-abs.html'), 'https://arxiv.org/abs/2403.12943', CONTENT_SCRIPTS, runtime.install);
  const root = window.document.querySelector('h1 + .paperdrop');
  root.querySelector('.paperdrop-save').click();
  await until(() => root.dataset.state === 'failed', 'the failure');
  const retry = root.querySelector('.paperdrop-retry');
  assert.equal(retry.hidden, false);
  retry.click();
  await until(() => root.dataset.state === 'saved', 'the retried save');
  assert.deepEqual({ ...runtime.sent.at(-1) }, { type: 'retry', paperId: 2, clipId: 3 });
  assert.equal(root.querySelector('.paperdrop-save').textContent, 'Saved to Zotero: Reading');
});

test('content script asks the library once for the whole page and starts saved papers as In your library', async () => {
  const library = ({ arxivIds }) => ({ ok: true, papers: [{ arxiv_id: arxivIds[1], paper_id: 5, saved: [{ target: 'bibtex:/h/papers.bib', label: 'papers.bib' }],
    saving: [], links: { paper: 'http://127.0.0.1:7077/papers/5' } }] });
  const runtime = withRuntime((m) => (m.type === 'targets' ? { ok: true, targets: [{ spec: 'bibtex:/h/papers.bib', label: 'papers.bib' },
    { spec: 'zotero:Reading', label: 'Zotero: Reading' }] } : { ok: true }), library);
  const window = pageWindow(fixture('hf-daily.html'), 'https://huggingface.co/papers', CONTENT_SCRIPTS, runtime.install);
  await until(() => buttons(window)[1].textContent === 'In your library', 'the saved paper');
  assert.equal(runtime.asked.length, 1);
  assert.equal(runtime.asked[0].length, 3);
  assert.deepEqual(buttons(window).map((b) => b.textContent), ['Save to PaperDrop', 'In your library', 'Save to PaperDrop']);
  buttons(window)[1].click(); // the card says where, and offers the other targets
  const root = buttons(window)[1].closest('.paperdrop');
  await until(() => root.querySelectorAll('.paperdrop-targets option').length === 1, 'the other targets');
  assert.equal(root.querySelector('.paperdrop-detail').textContent, 'Saved to papers.bib.');
  assert.equal(root.querySelector('.paperdrop-targets').value, 'zotero:Reading');
  root.querySelector('.paperdrop-other').click();
  await until(() => runtime.sent.some((m) => m.type === 'save'), 'the save to the other target');
  assert.equal(runtime.sent.find((m) => m.type === 'save').target, 'zotero:Reading');
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(runtime.asked.length, 1); // DOM changes by the buttons themselves ask nothing more
});

test('content script gives buttons the dark theme on a dark page', () => {
  const runtime = withRuntime(() => ({ ok: true }));
  const html = fixture('hf-daily.html').replace('<body', '<body style="background-color: rgb(11, 15, 25)"');
  const window = pageWindow(html, 'https://huggingface.co/papers', CONTENT_SCRIPTS, runtime.install);
  assert.deepEqual([...window.document.querySelectorAll('.paperdrop')].map((r) => r.dataset.theme), ['dark', 'dark', 'dark']);
  const light = pageWindow(fixture('hf-daily.html'), 'https://huggingface.co/papers', CONTENT_SCRIPTS, runtime.install);
  assert.equal(light.document.querySelector('.paperdrop').dataset.theme, 'light');
});

test('content script floats the button on pages without a place for it', () => {
  const runtime = withRuntime(() => ({ ok: true }));
  const window = pageWindow(fixture('arxiv-html.html'), 'https://arxiv.org/html/2403.12943v1', CONTENT_SCRIPTS, runtime.install);
  assert.equal(window.document.querySelectorAll('.paperdrop-floating .paperdrop-save').length, 1);
});

test('content script saves the page paper when the keyboard shortcut asks', async () => {
  const runtime = withRuntime(() => ({ ok: false, error: { message: 'x' } }));
  const window = pageWindow(fixture('arxiv-abs.html'), 'https://arxiv.org/abs/2403.12943', CONTENT_SCRIPTS, runtime.install);
  assert.deepEqual({ ...(await runtime.ask({ type: 'save-primary' })) }, { ok: true });
  await until(() => runtime.sent.length === 2, 'the save, then its outcome for the badge and notification');
  assert.equal(runtime.sent[0].papers[0].arxiv_id, '2403.12943');
  assert.equal(runtime.sent[1].type, 'outcome');
  assert.equal(runtime.sent[1].view.text, 'Not saved');
  assert.equal(runtime.sent[1].paper.arxiv_id, '2403.12943');
  assert.equal(window.document.querySelectorAll('.paperdrop').length, 1);
});

test('content script says why a save is retrying, on a click, while it keeps following the clip', async () => {
  const retrying = { kind: 'retrying', message: 'Not saved yet: arXiv did not answer. PaperDrop tries again in 5 min.', target: 'bibtex:/h/papers.bib', links: {} };
  let polls = 0;
  const runtime = withRuntime((m) => {
    if (m.type === 'save') return { ok: true, clips: [{ id: 3, outcome: retrying }], poll: { intervalMs: 5, timeoutMs: 60000 } };
    polls += 1;
    return { ok: true, views: { 3: polls < 4 ? { ...retryingView(), final: false } : { state: 'saved', kind: 'saved', text: 'Saved to papers.bib', final: true } } };
  });
  const window = pageWindow(fixture('arxiv-abs.html'), 'https://arxiv.org/abs/2403.12943', CONTENT_SCRIPTS, runtime.install);
  const retryingView = () => window.PaperDrop.states.clipView({ id: 3, outcome: retrying });
  const root = window.document.querySelector('h1 + .paperdrop');
  const button = root.querySelector('.paperdrop-save');
  button.click();
  await until(() => button.textContent === 'Retrying soon', 'the retrying state');
  assert.equal(button.disabled, false);
  button.click();
  assert.equal(root.querySelector('.paperdrop-card').hidden, false);
  assert.equal(root.querySelector('.paperdrop-detail').textContent, retrying.message);
  await until(() => button.textContent === 'Saved to papers.bib', 'the save once the retry worked');
});
