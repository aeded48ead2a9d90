/* Hugging Face papers pages: daily/week/month views, search results and /papers/<arxiv id> pages.
 *
 * Structured data first (docs/reference.md "Digest pages"): the server-rendered
 * `[data-target="DailyPapers"][data-props]` JSON has one entry per paper with `paper.id` = arXiv id.
 * The cards (`article` with `h3 > a[href^="/papers/"]`) say which papers are on screen now: after a
 * client-side navigation the JSON may still describe the first page, so it only enriches cards by id.
 */
(() => {
  const PD = globalThis.PaperDrop;
  const { cleanText, makePaper, sourceUrl } = PD.extract;
  const { parseArxivId } = PD.ids;

  // Selectors as named constants with fallbacks: HF class names are unstable utility classes.
  const PROPS_SELECTOR = '[data-target="DailyPapers"][data-props], [data-props]';
  const CARD_SELECTOR = 'article';
  const CARD_LINK_SELECTORS = ['h3 a[href^="/papers/"]', 'a[href^="/papers/"]'];
  const MAX_JSON_DEPTH = 6;

  function matches(url) {
    return url.hostname === 'huggingface.co' && /^\/papers(\/|$)/.test(url.pathname);
  }

  /** Objects in the page JSON that describe a paper: `{paper: {id, ...}, ...}` or `{id, title, ...}`. */
  function collectEntries(node, found, depth = 0) {
    if (!node || typeof node !== 'object' || depth > MAX_JSON_DEPTH) return found;
    if (Array.isArray(node)) {
      for (const item of node) collectEntries(item, found, depth + 1);
      return found;
    }
    const paper = node.paper && typeof node.paper === 'object' ? node.paper : node;
    const id = typeof paper.id === 'string' ? parseArxivId(paper.id) : null;
    if (id && (paper.title || node.title)) {
      if (!found.has(id)) found.set(id, fromEntry(id, node, paper));
      return found;
    }
    for (const value of Object.values(node)) collectEntries(value, found, depth + 1);
    return found;
  }

  function personName(person) {
    if (!person) return undefined;
    if (typeof person === 'string') return person;
    return person.fullname || person.name || person.user || undefined;
  }

  function fromEntry(id, entry, paper) {
    return {
      arxiv_id: id,
      title: cleanText(entry.title || paper.title),
      abstract: cleanText(paper.summary || entry.summary),
      authors: (paper.authors || []).map(personName).filter(Boolean).map((name) => cleanText(name)),
      extra: {
        upvotes: paper.upvotes ?? entry.upvotes,
        github: paper.githubRepo || entry.githubRepo,
        project_page: paper.projectPage || entry.projectPage,
        published_at: paper.publishedAt || entry.publishedAt,
        submitted_by: personName(entry.submittedBy || paper.submittedBy),
      },
    };
  }

  /** Papers of every `data-props` JSON on the page, by arXiv id. Unparsable JSON is skipped. */
  function readStructured(document) {
    const found = new Map();
    for (const element of document.querySelectorAll(PROPS_SELECTOR)) {
      try {
        collectEntries(JSON.parse(element.getAttribute('data-props')), found);
      } catch {
        // Not JSON (another widget's props): the cards below still give id and title.
      }
    }
    return found;
  }

  function readCard(card) {
    for (const selector of CARD_LINK_SELECTORS) {
      for (const link of card.querySelectorAll(selector)) {
        const id = parseArxivId(link.getAttribute('href'));
        if (id) return { id, title: cleanText(link.textContent), anchor: link.closest('h3') || link };
      }
    }
    return null;
  }

  function extract(document, url) {
    const structured = readStructured(document);
    const base = { source_url: sourceUrl(url), source_site: 'huggingface' };
    const items = [];
    const seen = new Set();
    const add = (id, fields, anchor) => {
      if (seen.has(id)) return;
      seen.add(id);
      const known = structured.get(id) || {};
      const title = known.title || fields.title;
      items.push({ paper: makePaper({ ...base, ...known, ...fields, title, arxiv_id: id }), anchor });
    };
    const pageId = parseArxivId(url.pathname);
    if (pageId) add(pageId, { title: cleanText(document.querySelector('h1')?.textContent) },
      document.querySelector('h1'));
    for (const card of document.querySelectorAll(CARD_SELECTOR)) {
      const found = readCard(card);
      if (found) add(found.id, { title: found.title }, found.anchor);
    }
    // No cards rendered (yet): the JSON alone lists the papers, for the popup.
    if (items.length === 0) for (const id of structured.keys()) add(id, {}, null);
    return items;
  }

  PD.extractors.huggingface = { site: 'huggingface', matches, extract };
})();
