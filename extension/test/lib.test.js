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

const delivery = (fields) => ({ id: 1, target: 'bibtex:/home/a/papers.bib', state: 'pending', already_present: false,
  attempts: 0, next_attempt_at: null, last_error: null, remote_key: null, ...fields });
const clip = (fields) => ({ id: 7, status: 'resolved', arxiv_id: '2403.12943', title: 'T', target: 'bibtex:/home/a/papers.bib',
  error: null, paper: null, deliveries: [], review_url: '/review', ...fields });

const VIEW_CASES = [
  ['received', clip({ status: 'received' }), {}, 'saving', 'Saving…'],
  ['resolving', clip({ status: 'resolving' }), {}, 'saving', 'Saving…'],
  ['resolved, pending', clip({ deliveries: [delivery({})] }), {}, 'saving', 'Saving…'],
  ['delivered', clip({ deliveries: [delivery({ state: 'delivered' })] }), {}, 'saved', 'Saved to papers.bib'],
  ['delivered to zotero', clip({ target: 'zotero:Reading/ML', deliveries: [delivery({ target: 'zotero:Reading/ML', state: 'delivered' })] }), {}, 'saved', 'Saved to Zotero: Reading/ML'],
  ['already present', clip({ deliveries: [delivery({ state: 'delivered', already_present: true })] }), {}, 'present', 'Already in your library'],
  ['duplicate post', clip({ deliveries: [delivery({ state: 'delivered' })] }), { duplicate: true }, 'present', 'Already in your library'],
  ['duplicate still pending', clip({ deliveries: [delivery({})] }), { duplicate: true }, 'saving', 'Saving…'],
  ['delivery failed', clip({ deliveries: [delivery({ state: 'failed', last_error: 'disk full' })] }), {}, 'failed', 'Failed: disk full'],
  ['clip failed', clip({ status: 'failed', error: 'no such arXiv id' }), {}, 'failed', 'Failed: no such arXiv id'],
  ['needs review', clip({ status: 'needs_review' }), { serverUrl: 'http://127.0.0.1:7077' }, 'review', 'Needs review'],
];
for (const [name, value, options, state, text] of VIEW_CASES) {
  test(`clipView shows ${state} when ${name}`, () => {
    const view = PD.states.clipView(value, options);
    assert.equal(view.state, state);
    assert.equal(view.text, text);
    assert.equal(view.final, state !== 'saving');
  });
}

test('clipView links needs-review clips to the dashboard review page', () => {
  const view = PD.states.clipView(clip({ status: 'needs_review', review_url: '/review?clip=7' }), { serverUrl: 'http://127.0.0.1:7077' });
  assert.equal(view.href, 'http://127.0.0.1:7077/review?clip=7');
});

test('clipView follows the delivery to the clip target when there are several', () => {
  const value = clip({ deliveries: [delivery({ target: 'zotero:X', state: 'failed' }), delivery({ state: 'delivered' })] });
  assert.equal(PD.states.clipView(value).state, 'saved');
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
    return [{ id: posted.length, status: 'received', duplicate: false }];
  });
  assert.deepEqual(posted, [['2403.12943', 'bibtex:/a.bib'], ['2403.13043', null]]);
  assert.deepEqual({ sent: result.sent, remaining: result.remaining }, { sent: 2, remaining: 0 });
  assert.deepEqual(await queue.lookup(first.key), { queued: false, clips: [{ id: 1, duplicate: false }] });
  assert.deepEqual(await queue.lookup(second.key), { queued: false, clips: [{ id: 2, duplicate: false }] });
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

test('follow polls until every clip is final and reports views by paper index', async () => {
  const answers = [
    { ok: true, views: { 7: { state: 'saving', final: false }, 8: { state: 'saved', final: true } } },
    { ok: true, views: { 7: { state: 'review', final: true } } },
  ];
  const asked = [];
  const seen = [];
  await PD.follow(async (message) => { asked.push(message.clips.map((c) => c.id)); return answers.shift(); },
    { clips: [{ id: 7 }, { id: 8, duplicate: true }], poll: POLL }, 2, (index, view) => seen.push([index, view.state]), { sleep: noSleep });
  assert.deepEqual(asked, [[7, 8], [7]]);
  assert.deepEqual(seen, [[0, 'saving'], [1, 'saved'], [0, 'review']]);
});

test('follow waits for a queued save to be sent, then follows its clips', async () => {
  const replies = [{ ok: true, queued: true, lastError: 'down' }, { ok: true, queued: false, clips: [{ id: 3 }] },
    { ok: true, views: { 3: { state: 'saved', final: true } } }];
  const seen = [];
  await PD.follow(async () => replies.shift(), { queued: true, key: 'k', reason: 'down', poll: POLL }, 1,
    (index, view) => seen.push(view.state), { sleep: noSleep });
  assert.deepEqual(seen, ['queued', 'queued', 'saved']);
});

test('follow shows the error in words when the background refuses', async () => {
  const seen = [];
  await PD.follow(async () => ({ ok: false, error: { message: 'PaperDrop rejected the token', code: 'unauthorized' } }),
    { clips: [{ id: 3 }], poll: POLL }, 1, (index, view) => seen.push(view), { sleep: noSleep });
  assert.equal(seen[0].state, 'failed');
  assert.equal(seen[0].text, 'PaperDrop rejected the token');
});

test('follow stops at the poll timeout with a pointer to the dashboard', async () => {
  let clock = 0;
  const seen = [];
  await PD.follow(async () => ({ ok: true, views: { 3: { state: 'saving', final: false } } }),
    { clips: [{ id: 3 }], poll: { intervalMs: 10, timeoutMs: 100 } }, 1, (index, view) => seen.push(view.text),
    { sleep: async (ms) => { clock += ms; }, now: () => clock });
  assert.match(seen.at(-1), /dashboard/);
});
