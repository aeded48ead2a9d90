// Extractors on saved pages of every kind (structures from docs/reference.md "Digest pages").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findIn, fixture, pageWindow, papersOf } from './helpers.js';

const HF_DAILY_URLS = ['https://huggingface.co/papers', 'https://huggingface.co/papers/date/2024-03-20',
  'https://huggingface.co/papers/week/2024-W12', 'https://huggingface.co/papers/month/2024-03'];

for (const url of HF_DAILY_URLS) {
  test(`huggingface extractor reads the DailyPapers JSON when on ${new URL(url).pathname}`, () => {
    const { site, items } = papersOf('hf-daily.html', url);
    assert.equal(site, 'huggingface');
    assert.deepEqual(items.map((i) => i.paper.arxiv_id), ['2403.12943', '2403.13043', '2403.12015']);
    const [first] = items;
    assert.deepEqual(first.paper, {
      arxiv_id: '2403.12943',
      title: 'Vid2Robot: End-to-end Video-conditioned Policy Learning with Cross-Attention Transformers',
      url: 'https://arxiv.org/abs/2403.12943',
      abstract: 'While large-scale robotic systems typically rely on textual instructions for tasks, this work explores a different approach.',
      authors: ['Vidhi Jain', 'Maria Attarian'],
      source_url: url,
      source_site: 'huggingface',
      extra: { upvotes: 12, github: 'https://github.com/example/vid2robot', project_page: 'https://vid2robot.github.io',
        published_at: '2024-03-19T17:47:37.000Z', submitted_by: 'AK' },
    });
    assert.equal(first.anchor.tagName, 'H3');
  });
}

test('huggingface extractor uses the cards when the page has no DailyPapers JSON', () => {
  const { items } = papersOf('hf-search.html', 'https://huggingface.co/papers?q=robot');
  assert.deepEqual(items.map((i) => [i.paper.arxiv_id, i.paper.title]), [
    ['2403.12943', 'Vid2Robot: End-to-end Video-conditioned Policy Learning with Cross-Attention Transformers'],
    ['2403.13043', 'When Do We Not Need Larger Vision Models?'],
    ['2403.12015', 'Fast High-Resolution Image Synthesis with Latent Adversarial Diffusion Distillation'],
  ]);
  assert.ok(items.every((i) => i.anchor && i.paper.source_site === 'huggingface'));
});

test('huggingface extractor lists only the cards on screen when the JSON is stale after navigation', () => {
  const window = pageWindow(fixture('hf-daily.html'), 'https://huggingface.co/papers/date/2024-03-21');
  window.document.querySelectorAll('article')[1].remove();
  const { items } = findIn(window);
  assert.deepEqual(items.map((i) => i.paper.arxiv_id), ['2403.12943', '2403.12015']);
});

test('huggingface extractor lists the JSON papers when no cards are rendered yet', () => {
  const window = pageWindow(fixture('hf-daily.html'), 'https://huggingface.co/papers');
  for (const card of window.document.querySelectorAll('article')) card.remove();
  const { items } = findIn(window);
  assert.equal(items.length, 3);
  assert.ok(items.every((i) => i.anchor === null && i.paper.abstract));
});

test('huggingface extractor puts the page paper first on a paper page', () => {
  const { items } = papersOf('hf-paper.html', 'https://huggingface.co/papers/2403.12943');
  assert.deepEqual(items.map((i) => i.paper.arxiv_id), ['2403.12943', '2403.13043']);
  assert.equal(items[0].anchor.tagName, 'H1');
  assert.equal(items[0].paper.extra.github, 'https://github.com/example/vid2robot');
  assert.deepEqual(items[0].paper.authors, ['Vidhi Jain', 'Maria Attarian']);
});

test('arxiv extractor reads every dt/dd pair of a listing', () => {
  const { site, items } = papersOf('arxiv-list-new.html', 'https://arxiv.org/list/cs.RO/new');
  assert.equal(site, 'arxiv');
  assert.deepEqual(items.map((i) => i.paper.arxiv_id), ['2403.12943', '2403.13001', 'hep-th/9901001']);
  assert.deepEqual(items[0].paper, {
    arxiv_id: '2403.12943',
    title: 'Vid2Robot: End-to-end Video-conditioned Policy Learning with Cross-Attention Transformers',
    url: 'https://arxiv.org/abs/2403.12943',
    abstract: 'While large-scale robotic systems typically rely on textual instructions for tasks, this work explores a different approach: can robots infer the task directly from observing humans?',
    authors: ['Vidhi Jain', 'Maria Attarian', 'Nikhil J Joshi'],
    source_url: 'https://arxiv.org/list/cs.RO/new',
    source_site: 'arxiv',
    extra: { comment: 'Robotics: Science and Systems (RSS) 2024', primary_subject: 'Robotics (cs.RO)' },
  });
  assert.equal(items[1].paper.title, 'Learning $\\alpha$-Stable Gaits for Legged Robots');
  assert.deepEqual(items[2].paper.authors, ['Alice Smith', 'Richard Roe']);
  assert.ok(items.every((i) => i.anchor.tagName === 'DT'));
});

test('arxiv extractor reads the citation meta tags of an abs page', () => {
  const { items } = papersOf('arxiv-abs.html', 'https://arxiv.org/abs/2403.12943v2');
  assert.equal(items.length, 1);
  const { paper, anchor } = items[0];
  assert.equal(paper.arxiv_id, '2403.12943');
  assert.equal(paper.title, 'Vid2Robot: End-to-end Video-conditioned Policy Learning with Cross-Attention Transformers');
  assert.deepEqual(paper.authors, ['Vidhi Jain', 'Maria Attarian', 'Nikhil J Joshi']);
  assert.match(paper.abstract, /^While large-scale robotic systems/);
  assert.deepEqual(paper.extra, { published_at: '2024/03/19', pdf_url: 'https://arxiv.org/pdf/2403.12943' });
  assert.equal(anchor.tagName, 'H1');
});

test('arxiv extractor reads an HTML (LaTeXML) paper page', () => {
  const { items } = papersOf('arxiv-html.html', 'https://arxiv.org/html/2403.12943v1');
  assert.equal(items.length, 1);
  assert.deepEqual(items[0].paper.authors, ['Vidhi Jain', 'Maria Attarian']);
  assert.equal(items[0].paper.title, 'Vid2Robot: End-to-end Video-conditioned Policy Learning with Cross-Attention Transformers');
  assert.equal(items[0].paper.arxiv_id, '2403.12943');
  assert.equal(items[0].anchor, null);
});

for (const url of ['https://arxiv.org/pdf/2403.12943', 'https://arxiv.org/pdf/2403.12943v2', 'https://arxiv.org/pdf/hep-th/9901001.pdf']) {
  test(`arxiv extractor takes the id from the URL of a pdf page when at ${url}`, () => {
    const window = pageWindow('<html><body><embed type="application/pdf"></body></html>', url);
    const { items } = findIn(window, url);
    assert.equal(items.length, 1);
    assert.equal(items[0].paper.arxiv_id, url.includes('hep-th') ? 'hep-th/9901001' : '2403.12943');
  });
}

test('findPapers finds nothing on other sites unless asked for generic search', () => {
  assert.deepEqual(papersOf('generic.html', 'https://blog.example.org/week-12').items, []);
  assert.deepEqual(papersOf('arxiv-abs.html', 'https://arxiv.org/help/api').items, []);
});

test('generic extractor finds arXiv links, arXiv ids and DOIs once each', () => {
  const { site, items } = papersOf('generic.html', 'https://blog.example.org/week-12#top', { generic: true });
  assert.equal(site, 'generic');
  const ids = items.filter((i) => !i.doi).map((i) => i.paper.arxiv_id);
  assert.deepEqual(ids, ['2403.12943', '2403.12015', '2403.13043', 'hep-th/9901001', '2310.06825']);
  assert.equal(items[0].paper.title, 'Vid2Robot: End-to-end Video-conditioned Policy Learning');
  assert.equal(items[0].paper.source_url, 'https://blog.example.org/week-12');
  const dois = items.filter((i) => i.doi);
  assert.deepEqual(dois.map((i) => i.doi), ['10.1038/s41586-021-03819-2', '10.1145/3292500.3330701']);
  assert.equal(dois[0].paper.title, 'Highly accurate protein structure prediction with AlphaFold');
  assert.equal(dois[1].paper.url, 'https://doi.org/10.1145/3292500.3330701');
});

test('extractors send only the fields the clip API accepts', () => {
  const allowed = new Set(['arxiv_id', 'title', 'url', 'abstract', 'authors', 'source_url', 'source_site', 'extra']);
  for (const [name, url] of [['hf-daily.html', 'https://huggingface.co/papers'], ['arxiv-list-new.html', 'https://arxiv.org/list/cs.RO/new'],
    ['generic.html', 'https://example.org/']]) {
    for (const { paper } of papersOf(name, url, { generic: true }).items) {
      assert.deepEqual(Object.keys(paper).filter((k) => !allowed.has(k)), []);
      assert.ok(Object.values(paper).every((v) => v !== null && v !== undefined && v !== ''));
    }
  }
});
