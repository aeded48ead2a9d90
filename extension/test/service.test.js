// The background service against a local HTTP server that answers like PaperDrop: pairing, un-pairing on a
// changed token, and the targets offered to choose from.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { loadLibs } from './helpers.js';

const PD = loadLibs('src/lib/ids.js', 'src/lib/settings.js', 'src/lib/api.js', 'src/lib/states.js', 'src/lib/queue.js',
  'src/lib/finder.js', 'src/background/service.js');
let token = 'the-token';
let requests = 0;
let server;
let base;

const TARGETS = {
  default: 'bibtex:/h/papers.bib',
  targets: [
    { name: 'default', spec: 'bibtex:/h/papers.bib', label: 'papers.bib', location: '/h/papers.bib', kind: 'bibtex', reachable: true, default: true, needed: true },
    { name: null, spec: 'bibtex:/h/typo.bib', label: 'typo.bib', location: '/h/typo.bib', kind: 'bibtex', reachable: false, default: false, needed: false },
    { name: null, spec: 'zotero:Reading', label: 'Zotero: Reading', location: 'Reading', kind: 'zotero', reachable: true, default: false, needed: false },
    { name: 'thesis', spec: 'bibtex:/t/thesis.bib', label: 'thesis.bib', location: '/t/thesis.bib', kind: 'bibtex', reachable: true, default: false, needed: true },
  ],
  collections: [{ spec: 'zotero:Reading', label: 'Zotero: Reading', location: 'Reading' },
    { spec: 'zotero:Reading/ML', label: 'Zotero: Reading/ML', location: 'Reading/ML' }],
};

function handle(req, res) {
  requests += 1;
  const json = (status, body) => {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  if (req.url === '/api/v1/health') return json(200, { status: 'ok', app: 'paperdrop', version: '0.1.0', queue: {} });
  if (req.headers.authorization !== `Bearer ${token}`) return json(401, { error: { code: 'unauthorized', message: 'Wrong API token.', details: [] } });
  if (req.url === '/api/v1/targets') return json(200, TARGETS);
  return json(404, { error: { code: 'not_found', message: 'No.', details: [] } });
}

before(async () => {
  server = createServer(handle);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${server.address().port}`;
});
after(() => new Promise((resolve) => server.close(resolve)));

function fakeExt(stored = {}) {
  const data = { ...stored };
  const local = {
    data,
    async get(keys) {
      const names = keys == null ? Object.keys(data) : Array.isArray(keys) ? keys : [keys];
      return Object.fromEntries(names.filter((k) => k in data).map((k) => [k, structuredClone(data[k])]));
    },
    async set(values) { Object.assign(data, structuredClone(values)); },
  };
  return {
    storage: { local },
    alarms: { clear: async () => true, get: async () => null, create: async () => undefined },
    runtime: { getURL: (path) => `chrome-extension://abc/${path}` },
  };
}

const pairPage = () => ({ tab: { id: 4 }, url: `${base}/pair` });

test('service pairs with the token the server pairing page hands over, and keeps it', async () => {
  const ext = fakeExt({ serverUrl: 'http://127.0.0.1:9' });
  const service = PD.createService({ ext });
  const answer = await service.handle({ type: 'pair', token: 'the-token', serverUrl: base }, pairPage());
  assert.equal(answer.ok, true);
  assert.deepEqual({ serverUrl: ext.storage.local.data.serverUrl, token: ext.storage.local.data.token, paired: ext.storage.local.data.paired },
    { serverUrl: base, token: 'the-token', paired: true });
});

test('service refuses a token from any other page or for another server', async () => {
  for (const sender of [{ tab: { id: 4 }, url: 'https://evil.example/pair' }, { tab: { id: 4 }, url: `${base}/papers` },
    { url: `${base}/pair` }, { tab: { id: 4 }, url: 'http://127.0.0.1:1/pair' }]) {
    const ext = fakeExt();
    const answer = await PD.createService({ ext }).handle({ type: 'pair', token: 'the-token', serverUrl: base }, sender);
    assert.equal(answer.ok, false, sender.url);
    assert.equal(answer.error.code, 'forbidden_sender');
    assert.equal(ext.storage.local.data.token, undefined);
  }
});

test('service refuses a pairing token the server does not take', async () => {
  const ext = fakeExt();
  const answer = await PD.createService({ ext }).handle({ type: 'pair', token: 'forged', serverUrl: base }, pairPage());
  assert.equal(answer.ok, false);
  assert.equal(ext.storage.local.data.token, undefined);
});

test('service un-pairs when the server stops taking the paired token, and says to pair again', async () => {
  const ext = fakeExt({ serverUrl: base, token: 'old-token', paired: true });
  const service = PD.createService({ ext });
  const first = await service.handle({ type: 'targets' });
  assert.equal(first.ok, false);
  assert.equal(first.error.code, 'token_changed');
  assert.match(first.error.message, /^PaperDrop’s token changed: pair again/);
  assert.deepEqual([ext.storage.local.data.token, ext.storage.local.data.paired, ext.storage.local.data.unpaired], ['', false, 'token_changed']);
  const before = requests;
  const again = await service.handle({ type: 'library', arxivIds: ['2403.12943'] });
  assert.equal(again.error.code, 'token_changed'); // said again without asking the server
  assert.equal(requests, before);
});

test('service keeps a token that was never paired and says the server rejected it', async () => {
  const ext = fakeExt({ serverUrl: base, token: 'typo' });
  const answer = await PD.createService({ ext }).handle({ type: 'targets' });
  assert.equal(answer.error.code, 'unauthorized');
  assert.equal(ext.storage.local.data.token, 'typo');
});

test('service offers the default, named, recent and used targets, then the Zotero collections, never a mistyped one', async () => {
  const ext = fakeExt({ serverUrl: base, token: 'the-token', recentTargets: ['zotero:Elsewhere'] });
  const answer = await PD.createService({ ext }).handle({ type: 'targets' });
  assert.equal(answer.ok, true);
  assert.deepEqual(answer.targets.map((t) => [t.value, t.label]), [
    ['bibtex:/h/papers.bib', 'papers.bib'], // the default
    ['thesis', 'thesis.bib'], // named: saved to by its name
    ['zotero:Elsewhere', 'Zotero: Elsewhere'], // this browser's recent choice
    ['zotero:Reading', 'Zotero: Reading'], // used before, reachable
    ['zotero:Reading/ML', 'Zotero: Reading/ML'], // a collection of the library
  ]);
});
