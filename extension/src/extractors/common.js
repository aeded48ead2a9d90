/* Helpers shared by the extractors: text cleanup and the paper shape that POST /api/v1/clips accepts.
 *
 * An extractor is `{ site, matches(url), extract(document, url) }`; `extract` is a pure function of the
 * document that returns `[{ paper, anchor }]`: the paper as the API wants it and the element after which
 * the Save button goes (null when the page has no natural place; the content script then floats it).
 */
(() => {
  const PD = (globalThis.PaperDrop = globalThis.PaperDrop || {});

  // The clip API rejects unknown fields with 422 (docs/design.md "HTTP API"), so papers carry only these.
  const CLIP_FIELDS = ['arxiv_id', 'title', 'url', 'abstract', 'authors', 'source_url', 'source_site', 'extra'];

  /** Collapse whitespace and drop a leading "Title:"-style descriptor. */
  function cleanText(value, descriptor) {
    let text = String(value ?? '').replace(/\s+/g, ' ').trim();
    if (descriptor) text = text.replace(new RegExp(`^${descriptor}\\s*:?\\s*`, 'i'), '');
    return text;
  }

  function isEmpty(value) {
    if (value === null || value === undefined || value === '') return true;
    if (Array.isArray(value)) return value.length === 0;
    if (typeof value === 'object') return Object.keys(value).length === 0;
    return false;
  }

  /** Drop empty values (recursively in `extra`) and every field the API does not know. */
  function makePaper(fields) {
    const paper = {};
    for (const name of CLIP_FIELDS) {
      let value = fields[name];
      if (name === 'extra' && value) {
        value = Object.fromEntries(Object.entries(value).filter(([, v]) => !isEmpty(v)));
      }
      if (!isEmpty(value)) paper[name] = value;
    }
    if (paper.arxiv_id && !paper.url) paper.url = `https://arxiv.org/abs/${paper.arxiv_id}`;
    return paper;
  }

  /** The page address without its fragment: where the clip came from. */
  function sourceUrl(url) {
    const copy = new URL(String(url));
    copy.hash = '';
    return copy.href;
  }

  /** `"Jain, Vidhi"` (citation_author meta tags) → `"Vidhi Jain"` (how arXiv's API names authors). */
  function firstLast(name) {
    const parts = cleanText(name).split(/\s*,\s*/);
    return parts.length === 2 && parts[1] ? `${parts[1]} ${parts[0]}` : cleanText(name);
  }

  function metaContents(document, name) {
    return [...document.querySelectorAll(`meta[name="${name}"]`)].map((m) => cleanText(m.getAttribute('content')));
  }

  PD.extract = { CLIP_FIELDS, cleanText, makePaper, sourceUrl, firstLast, metaContents };
  PD.extractors = PD.extractors || {};
})();
