// The API client against a local HTTP server that answers like PaperDrop (docs/design.md "HTTP API").
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { loadLibs } from './helpers.js';

const PD = loadLibs('src/lib/api.js');
const TOKEN = 'secret-token';
const requests = [];
let server;
let base;

const json = (res, status, body) => {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
};
const apiError = (res, status, code, message) => json(res, status, { error: { code, message, details: [] } });

function handle(req, res) {
  let body = '';
  req.on('data', (chunk) => { body += chunk; });
  req.on('end', () => {
    requests.push({ method: req.method, url: req.url, auth: req.headers.authorization, body });
    if (req.url === '/api/v1/health') return json(res, 200, { status: 'ok', app: 'paperdrop', version: '0.1.0', queue: {} });
    if (req.url === '/other/api/v1/health') return json(res, 200, { status: 'ok' });
    if (req.url.startsWith('/html/')) return res.end('<html>hello</html>');
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return apiError(res, 401, 'unauthorized', 'Wrong API token.');
    if (req.url === '/api/v1/targets') return json(res, 200, { default: 'bibtex:/a.bib', targets: [{ spec: 'bibtex:/a.bib', kind: 'bibtex', reachable: true }] });
    if (req.url === '/api/v1/clips' && req.method === 'POST') {
      const papers = JSON.parse(body).papers;
      if (papers.some((p) => p.arxiv_id === 'bad')) {
        return json(res, 422, { error: { code: 'invalid_request', message: 'Paper 1 cannot be saved',
          details: [{ location: 'papers.0.arxiv_id', message: "'bad' is not an arXiv id", type: 'value_error' }] } });
      }
      return json(res, 202, { clips: papers.map((_, i) => ({ id: i + 1, status: 'received', paper_id: null, duplicate: false })) });
    }
    if (req.url.startsWith('/api/v1/clips?ids=')) return json(res, 200, { clips: [{ id: 1, status: 'resolving' }] });
    if (req.url.startsWith('/api/v1/library?arxiv_ids=')) {
      const ids = decodeURIComponent(req.url.split('=')[1]).split(',');
      return json(res, 200, { papers: ids.filter((id) => id.endsWith('1')).map((id) => ({ arxiv_id: id, paper_id: 1, saved: [], saving: [], links: {} })) });
    }
    if (req.url === '/api/v1/targets/check') {
      const { target } = JSON.parse(body);
      return json(res, 200, target === 'Reading'
        ? { ok: false, spec: null, label: null, reachable: null, message: '“Reading” is not a target name in paperdrop.toml.', fix: 'Use zotero:Reading.' }
        : { ok: true, spec: target, label: target, reachable: true, message: 'fine', fix: null });
    }
    if (req.url === '/api/v1/boom') return apiError(res, 500, 'internal', 'Oops.');
    return apiError(res, 404, 'not_found', 'No such thing.');
  });
}

before(async () => {
  server = createServer(handle);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${server.address().port}`;
});
after(() => new Promise((resolve) => server.close(resolve)));

const client = (fields = {}) => new PD.api.PaperDropClient({ baseUrl: base, token: TOKEN, timeoutMs: 2000, ...fields });

test('PaperDropClient posts clips with the bearer token and returns them in order', async () => {
  const clips = await client().postClips([{ arxiv_id: '2403.12943' }, { title: 'A title' }], 'bibtex:/a.bib');
  assert.deepEqual(clips.map((c) => c.id), [1, 2]);
  const sent = requests.at(-1);
  assert.equal(sent.auth, `Bearer ${TOKEN}`);
  assert.deepEqual(JSON.parse(sent.body), { papers: [{ arxiv_id: '2403.12943' }, { title: 'A title' }], target: 'bibtex:/a.bib' });
});

test('PaperDropClient asks for several clips in one request', async () => {
  const clips = await client().getClips([7, 8, 9]);
  assert.equal(requests.at(-1).url, '/api/v1/clips?ids=7,8,9');
  assert.equal(clips[0].status, 'resolving');
});

test('PaperDropClient checkConnection returns version and targets', async () => {
  const found = await client({ baseUrl: `${base}/` }).checkConnection();
  assert.equal(found.version, '0.1.0');
  assert.equal(found.default, 'bibtex:/a.bib');
});

const FAILURES = [
  ['the token is wrong', () => client({ token: 'nope' }).targets(), 'unauthorized', false, /rejected the token.*Pair with PaperDrop.*paperdrop token/],
  ['no token is set', () => client({ token: '' }).targets(), 'no_token', false, /not paired with this browser yet.*Pair with PaperDrop/],
  ['the server is not running', () => client({ baseUrl: 'http://127.0.0.1:9' }).health(), 'server_unreachable', true, /not running at http:\/\/127\.0\.0\.1:9.*paperdrop serve/],
  ['the URL is another server', () => client({ baseUrl: `${base}/other` }).checkConnection(), 'not_paperdrop', false, /not a PaperDrop server/],
  ['the URL answers HTML', () => client({ baseUrl: `${base}/html` }).checkConnection(), 'not_paperdrop', false, /not a PaperDrop server/],
  ['the URL is not a URL', async () => client({ baseUrl: 'localhost 7077' }).health(), 'bad_url', false, /is not an address/],
  ['a paper is invalid', () => client().postClips([{ arxiv_id: 'bad' }]), 'invalid_request', false, /^Paper 1 cannot be saved\. 'bad' is not an arXiv id\.$/],
  ['the server fails', () => client().request('GET', '/boom'), 'server_error', true, /had a problem \(Oops\); the extension tries again/],
];
for (const [condition, call, code, transient, words] of FAILURES) {
  test(`PaperDropClient rejects with an Error saying how to fix it when ${condition}`, async () => {
    const error = await call().then(() => null, (e) => e);
    assert.ok(error instanceof Error, 'rejects with an Error object');
    assert.equal(error.code, code);
    assert.equal(error.transient, transient);
    assert.match(error.message, words);
  });
}

test('PaperDropClient error messages carry no HTTP codes, error codes or backticks', async () => {
  for (const [, call] of FAILURES) {
    const error = await call().then(() => null, (e) => e);
    assert.doesNotMatch(error.message, /HTTP \d|invalid_request|validation_error|unauthorized|`/);
  }
});

test('PaperDropClient asks the library about many ids in a few requests', async () => {
  requests.length = 0;
  const ids = Array.from({ length: 250 }, (_, i) => `2403.${String(10000 + i)}`);
  const found = await client().library(ids);
  const asked = requests.filter((r) => r.url.startsWith('/api/v1/library'));
  assert.equal(asked.length, 2); // 200 + 50: the server answers at most 200 ids at a time
  assert.deepEqual(found.map((p) => p.arxiv_id), ids.filter((id) => id.endsWith('1')));
});

test('PaperDropClient checks a target with the server', async () => {
  const refused = await client().checkTarget('Reading');
  assert.equal(refused.ok, false);
  assert.match(refused.message, /not a target name/);
  assert.equal((await client().checkTarget('zotero:Reading')).ok, true);
});

test('PaperDropClient turns a slow server into a transient timeout error', async () => {
  const slow = createServer(() => undefined); // accepts, never answers
  await new Promise((resolve) => slow.listen(0, '127.0.0.1', resolve));
  try {
    const error = await client({ baseUrl: `http://127.0.0.1:${slow.address().port}`, timeoutMs: 50 }).health().catch((e) => e);
    assert.equal(error.code, 'timeout');
    assert.equal(error.transient, true);
  } finally {
    slow.closeAllConnections();
    await new Promise((resolve) => slow.close(resolve));
  }
});
