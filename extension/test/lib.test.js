// The pure libraries: ids, clip views, the offline queue and clip following.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadLibs } from './helpers.js';

const PD = loadLibs('src/lib/ids.js', 'src/lib/settings.js', 'src/lib/api.js', 'src/lib/states.js', 'src/lib/queue.js', 'src/lib/follow.js');

const ID_CASES = [
  ['2403.12943', '2403.12943'], ['2403.12943v2', '2403.12943'], ['arXiv:2403.12943', '2403.12943'],
  ['https://arxiv.org/abs/2403.12943v1', '2403.12943'], ['https://arxiv.org/pdf/2403.12943.pdf', '2403.12943'],
  ['https://arxiv.org/html/2403.12943v1#S2', '2403.12943'], ['https://www.arxiv.org/abs/hep-th/9901001', 'hep-th/9901001'],
  ['https://doi.org/10.48550/arXiv.2310.06825', '2310.06825'], ['/papers/2403.12015', '2403.12015'],
  ['https://huggingface.co/papers/2403.12015?x=1', '2403.12015'], ['math.GT/0309136', 'math.GT/0309136'],
  ['2403.1', null], ['https://huggingface.co/papers/date/2024-03-20', null], ['https://example.org/2403.12943', null], ['', null],
];
for (const [value, expected] of ID_CASES) {
  test(`parseArxivId returns ${expected} when given ${JSON.stringify(value)}`, () => {
    assert.equal(PD.ids.parseArxivId(value), expected);
  });
}

const outcome = (kind, message, extra = {}) => ({ kind, message, fix: null, target: 'bibtex:/home/a/papers.bib', links: {}, ...extra });

// Every outcome kind the server sends (README "Outcome"), and how it is shown.
const VIEW_CASES = [
  ['saving', outcome('saving', 'Looking it up on arXiv…'), 'saving', false],
  ['retrying', outcome('retrying', 'Not saved yet: arXiv is down. PaperDrop tries again in 2 min.'), 'retrying', false],
  ['saved', outcome('saved', 'Saved to papers.bib'), 'saved', true],
  ['already_there', outcome('already_there', 'Already in papers.bib'), 'present', true],
  ['needs_review', outcome('needs_review', 'Several arXiv papers could be this one.', { links: { review: 'http://127.0.0.1:7077/review#clip-7' } }), 'review', true],
  ['needs_setup', outcome('needs_setup', 'Zotero refused the API key.', { fix: 'Create a key…', links: { setup: 'http://127.0.0.1:7077/targets#t' } }), 'setup', true],
  ['failed', outcome('failed', 'arXiv has no paper 2401.99999.'), 'failed', true],
  ['dismissed', outcome('dismissed', 'Dismissed on the review page: it will not be saved.'), 'dismissed', true],
  ['rejected', outcome('rejected', "Paper 2 cannot be saved (papers.1.arxiv_id: 'x' is not an arXiv id)."), 'failed', true],
];
// The short text on the button for each kind; the server's message goes to the card.
const SHORT_TEXT = {
  saving: 'Saving…', retrying: 'Retrying soon', saved: 'Saved to papers.bib', already_there: 'Already in papers.bib',
  needs_review: 'Needs review', needs_setup: 'Needs setup', failed: 'Not saved', dismissed: 'Dismissed', rejected: 'Not saved',
};
for (const [kind, value, state, final] of VIEW_CASES) {
  test(`clipView shows the server's ${kind} outcome as ${state}`, () => {
    const view = PD.states.clipView({ id: 7, outcome: value });
    assert.equal(view.state, state);
    assert.equal(view.kind, kind);
    assert.equal(view.text, SHORT_TEXT[kind]);
    assert.equal(view.detail, value.message);
    assert.equal(view.final, final);
  });
}

test('clipView links review and setup outcomes to the dashboard pages the server named', () => {
  const review = PD.states.clipView({ outcome: VIEW_CASES[4][1] });
  assert.equal(review.href, 'http://127.0.0.1:7077/review#clip-7');
  assert.equal(review.linkText, 'Choose the paper');
  const setup = PD.states.clipView({ outcome: VIEW_CASES[5][1] });
  assert.equal(setup.href, 'http://127.0.0.1:7077/targets#t');
  assert.equal(setup.linkText, 'Fix it on the dashboard');
  assert.equal(setup.fix, 'Create a key…');
});

test('clipView offers a retry for a failed delivery, not for a paper that could not be found', () => {
  const delivery = PD.states.clipView({ id: 4, paper_id: 9, outcome: outcome('failed', 'Zotero refused the item.') });
  assert.deepEqual({ ...delivery.retry }, { paperId: 9, clipId: 4 });
  const polled = PD.states.clipView({ id: 4, paper: { id: 9 }, outcome: outcome('failed', 'Zotero refused the item.') });
  assert.deepEqual({ ...polled.retry }, { paperId: 9, clipId: 4 }); // GET /clips carries the paper itself
  const unknown = PD.states.clipView({ id: 5, paper_id: null, outcome: outcome('failed', 'arXiv has no paper 2401.99999.') });
  assert.equal(unknown.retry, undefined);
  const rejected = PD.states.clipView({ outcome: VIEW_CASES[8][1] });
  assert.equal(rejected.retry, undefined);
});

test('errorView sends connection problems to the options, in short words on the button', () => {
  const changed = PD.states.errorView({ code: 'token_changed', message: 'PaperDrop’s token changed: pair again.' });
  assert.equal(changed.text, 'Pair again');
  assert.equal(changed.action, 'options');
  assert.equal(changed.detail, 'PaperDrop’s token changed: pair again.');
  const refused = PD.states.errorView({ code: 'invalid_request', message: 'Paper 1 cannot be saved.' });
  assert.equal(refused.text, 'Not saved');
  assert.equal(refused.action, undefined);
});

test('views show commands without backticks', () => {
  const view = PD.states.clipView({ outcome: outcome('needs_setup', 'No key.', { fix: 'Run `paperdrop config` and set it.' }) });
  assert.equal(view.fix, 'Run paperdrop config and set it.');
  assert.equal(PD.states.errorView({ code: 'x', message: 'Start `paperdrop serve`.' }).detail, 'Start paperdrop serve.');
});

test('libraryView says where a paper is saved', () => {
  const view = PD.states.libraryView({ arxiv_id: '2403.12943', saved: [{ target: 'bibtex:/a/papers.bib', label: 'papers.bib' },
    { target: 'zotero:Reading', label: 'Zotero: Reading' }], links: { paper: 'http://127.0.0.1:7077/papers/3' } });
  assert.equal(view.text, 'In your library');
  assert.equal(view.detail, 'Saved to papers.bib, Zotero: Reading.');
  assert.equal(view.href, 'http://127.0.0.1:7077/papers/3');
});

function memoryStorage() {
  const data = {};
  return {
    data,
    async get(keys) {
      const names = Array.isArray(keys) ? keys : [keys];
      return Object.fromEntries(names.filter((k) => k in data).map((k) => [k, structuredClone(data[k])]));
    },
    async set(values) { Object.assign(data, structuredClone(values)); },
  };
}

const transient = () => new PD.api.PaperDropError('down', { code: 'server_unreachable', transient: true });

test('queue keeps entries until a flush succeeds, in order, then reports their clips', async () => {
  const storage = memoryStorage();
  const queue = PD.queue.createQueue(storage);
  const first = await queue.enqueue([{ arxiv_id: '2403.12943' }], 'bibtex:/a.bib', 'down');
  const second = await queue.enqueue([{ arxiv_id: '2403.13043' }], null);
  const failed = await queue.flush(async () => { throw transient(); });
  assert.equal(failed.remaining, 2);
  assert.equal((await queue.entries())[0].attempts, 1);
  const posted = [];
  const result = await queue.flush(async (papers, target) => {
    posted.push([papers[0].arxiv_id, target]);
    return [{ id: posted.length, status: 'received', duplicate: false, outcome: { kind: 'saving', message: 'Saving…' } }];
  });
  assert.deepEqual(posted, [['2403.12943', 'bibtex:/a.bib'], ['2403.13043', null]]);
  assert.deepEqual({ sent: result.sent, remaining: result.remaining }, { sent: 2, remaining: 0 });
  assert.deepEqual(await queue.lookup(first.key), { queued: false, clips: [{ id: 1, outcome: { kind: 'saving', message: 'Saving…' } }] });
  assert.deepEqual(await queue.lookup(second.key), { queued: false, clips: [{ id: 2, outcome: { kind: 'saving', message: 'Saving…' } }] });
});

test('queue survives a restart because it lives only in storage', async () => {
  const storage = memoryStorage();
  await PD.queue.createQueue(storage).enqueue([{ arxiv_id: '2403.12943' }], null);
  const again = PD.queue.createQueue(storage);
  assert.equal((await again.entries()).length, 1);
});

test('queue drops an entry the server rejects and sends the rest when a paper is invalid', async () => {
  const queue = PD.queue.createQueue(memoryStorage());
  const bad = await queue.enqueue([{ arxiv_id: 'nonsense' }], null);
  await queue.enqueue([{ arxiv_id: '2403.13043' }], null);
  const result = await queue.flush(async (papers) => {
    if (papers[0].arxiv_id === 'nonsense') throw new PD.api.PaperDropError('422', { code: 'validation_error', status: 422 });
    return [{ id: 9 }];
  });
  assert.equal(result.remaining, 0);
  assert.equal((await queue.lookup(bad.key)).error.code, 'validation_error');
});

test('queue keeps everything when the token is wrong', async () => {
  const queue = PD.queue.createQueue(memoryStorage());
  await queue.enqueue([{ arxiv_id: '2403.13043' }], null);
  const result = await queue.flush(async () => { throw new PD.api.PaperDropError('token', { code: 'unauthorized', status: 401 }); });
  assert.equal(result.remaining, 1);
  assert.equal(result.error.code, 'unauthorized');
});

test('queue loses no entry when saves and a flush run at the same time', async () => {
  const queue = PD.queue.createQueue(memoryStorage());
  await queue.enqueue([{ arxiv_id: '2403.12943' }], null);
  const flushing = queue.flush(async () => [{ id: 1 }]);
  await Promise.all([queue.enqueue([{ arxiv_id: '2403.13043' }], null), flushing]);
  const left = await queue.entries();
  assert.equal(left.length, 1);
  assert.equal(left[0].papers[0].arxiv_id, '2403.13043');
});

test('nextDelayMs doubles from the base up to the maximum', () => {
  assert.deepEqual([0, 1, 2, 3, 10, 50].map((n) => PD.queue.nextDelayMs(n, 100, 1000)), [100, 200, 400, 800, 1000, 1000]);
});

const noSleep = async () => undefined;
const POLL = { intervalMs: 1, timeoutMs: 60000 };

const saving = { kind: 'saving', message: 'Looking it up on arXiv…' };

test('follow shows the outcome of the save answer, then polls only what is not final', async () => {
  const answers = [
    { ok: true, views: { 7: { state: 'saving', final: false } } },
    { ok: true, views: { 7: { state: 'review', final: true } } },
  ];
  const asked = [];
  const seen = [];
  const start = { clips: [{ id: 7, outcome: saving }, { id: 8, outcome: { kind: 'already_there', message: 'Already in papers.bib' } },
    { outcome: { kind: 'rejected', message: 'Paper 3 cannot be saved.' } }], poll: POLL };
  await PD.follow(async (message) => { asked.push(message.clips.map((c) => c.id)); return answers.shift(); },
    start, 3, (index, view) => seen.push([index, view.state]), { sleep: noSleep });
  assert.deepEqual(asked, [[7], [7]]);
  assert.deepEqual(seen, [[0, 'saving'], [1, 'present'], [2, 'failed'], [0, 'saving'], [0, 'review']]);
});

test('follow waits for a queued save to be sent, then follows its clips', async () => {
  const replies = [{ ok: true, queued: true, lastError: 'down' }, { ok: true, queued: false, clips: [{ id: 3, outcome: saving }] },
    { ok: true, views: { 3: { state: 'saved', final: true } } }];
  const seen = [];
  await PD.follow(async () => replies.shift(), { queued: true, key: 'k', reason: 'down', poll: POLL }, 1,
    (index, view) => seen.push(view.state), { sleep: noSleep });
  assert.deepEqual(seen, ['queued', 'queued', 'saving', 'saved']);
});

test('follow shows the error in words when the background refuses', async () => {
  const seen = [];
  await PD.follow(async () => ({ ok: false, error: { message: 'PaperDrop rejected the token', code: 'unauthorized' } }),
    { clips: [{ id: 3, outcome: saving }], poll: POLL }, 1, (index, view) => seen.push(view), { sleep: noSleep });
  assert.equal(seen.at(-1).state, 'setup');
  assert.equal(seen.at(-1).text, 'Not connected');
  assert.equal(seen.at(-1).detail, 'PaperDrop rejected the token');
});

test('follow stops at the poll timeout showing what the server last said', async () => {
  let clock = 0;
  const seen = [];
  const retrying = { state: 'saving', text: 'Not saved yet: Zotero is busy. PaperDrop tries again in 5 min.', final: false };
  await PD.follow(async () => ({ ok: true, views: { 3: retrying } }),
    { clips: [{ id: 3, outcome: saving }], poll: { intervalMs: 10, timeoutMs: 100 } }, 1, (index, view) => seen.push(view),
    { sleep: async (ms) => { clock += ms; }, now: () => clock });
  assert.equal(seen.at(-1).text, retrying.text);
  assert.equal(seen.at(-1).final, true);
});
