// The content script in a jsdom page: buttons on every paper, kept through DOM changes, states from replies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CONTENT_SCRIPTS, fixture, pageWindow } from './helpers.js';

/** A stand-in for the background end of runtime messaging; `reply(message)` answers each message. */
function withRuntime(reply) {
  const sent = [];
  const listeners = [];
  const install = (window) => {
    window.chrome = { runtime: {
      sendMessage: async (message) => { sent.push(message); return reply(message); },
      onMessage: { addListener: (fn) => listeners.push(fn) },
    } };
  };
  const ask = (message) => new Promise((resolve) => listeners[0](message, {}, resolve));
  return { sent, install, ask };
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
  assert.equal(button.disabled, true);
});

test('content script shows the error in words and allows a retry when the save is refused', async () => {
  const runtime = withRuntime(() => ({ ok: false, error: { message: 'PaperDrop rejected the token. Run `paperdrop token`…', code: 'unauthorized' } }));
  const window = pageWindow(fixture('arxiv-abs.html'), 'https://arxiv.org/abs/2403.12943', CONTENT_SCRIPTS, runtime.install);
  const button = window.document.querySelector('h1 + .paperdrop .paperdrop-save');
  button.click();
  await until(() => button.textContent.startsWith('PaperDrop rejected'), 'the error');
  assert.equal(button.disabled, false);
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
  await until(() => runtime.sent.length === 1, 'the save message');
  assert.equal(runtime.sent[0].papers[0].arxiv_id, '2403.12943');
  assert.equal(window.document.querySelectorAll('.paperdrop').length, 1);
});
