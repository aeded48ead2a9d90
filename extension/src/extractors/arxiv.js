/* arXiv pages: listings (/list/<cat>/new|recent|pastweek), abs pages, HTML (LaTeXML) and PDF pages.
 *
 * Structures from docs/reference.md "Digest pages": listings are `dl#articles` with <dt>/<dd> pairs
 * (the <dt> links `/abs/<id>` with title="Abstract"); abs pages carry `citation_*` meta tags; /html/<id>
 * and /pdf/<id> name the id in the URL.
 */
(() => {
  const PD = globalThis.PaperDrop;
  const { cleanText, makePaper, sourceUrl, firstLast, metaContents } = PD.extract;
  const { parseArxivId } = PD.ids;

  const LISTING_ID_LINKS = ['a[title="Abstract"]', 'a[href*="/abs/"]'];
  const ABS_TITLE_SELECTORS = ['h1.title', '#abs h1', 'h1'];
  const HTML_TITLE_SELECTORS = ['h1.ltx_title_document', 'h1.ltx_title', 'h1'];

  function matches(url) {
    return /(^|\.)arxiv\.org$/.test(url.hostname) && /^\/(list|abs|html|pdf)\//.test(url.pathname);
  }

  function first(root, selectors) {
    for (const selector of selectors) {
      const element = root.querySelector(selector);
      if (element) return element;
    }
    return null;
  }

  /** The <dd> that belongs to a listing <dt> (the next DD sibling, before the next DT). */
  function detailsOf(dt) {
    for (let node = dt.nextElementSibling; node; node = node.nextElementSibling) {
      if (node.tagName === 'DD') return node;
      if (node.tagName === 'DT') return null;
    }
    return null;
  }

  function listingEntry(dt, base) {
    const link = first(dt, LISTING_ID_LINKS);
    const id = link && parseArxivId(link.href || link.getAttribute('href'));
    if (!id) return null;
    const dd = detailsOf(dt);
    const text = (selector, descriptor) => cleanText(dd?.querySelector(selector)?.textContent, descriptor);
    const paper = makePaper({
      ...base,
      arxiv_id: id,
      title: text('.list-title', 'Title'),
      authors: [...(dd?.querySelectorAll('.list-authors a') || [])].map((a) => cleanText(a.textContent)),
      abstract: text('p.mathjax'),
      extra: { comment: text('.list-comments', 'Comments'), primary_subject: text('.list-subjects .primary-subject') },
    });
    return { paper, anchor: dt };
  }

  function extractListing(document, base) {
    const items = [];
    const seen = new Set();
    for (const dt of document.querySelectorAll('dl#articles dt, dl dt')) {
      const item = listingEntry(dt, base);
      if (item && !seen.has(item.paper.arxiv_id)) {
        seen.add(item.paper.arxiv_id);
        items.push(item);
      }
    }
    return items;
  }

  function extractAbs(document, url, base) {
    const meta = (name) => metaContents(document, name)[0];
    const id = parseArxivId(meta('citation_arxiv_id') || '') || parseArxivId(url.href);
    if (!id) return [];
    const titleElement = first(document, ABS_TITLE_SELECTORS);
    const paper = makePaper({
      ...base,
      arxiv_id: id,
      title: meta('citation_title') || cleanText(titleElement?.textContent, 'Title'),
      authors: metaContents(document, 'citation_author').map(firstLast),
      abstract: meta('citation_abstract') || cleanText(document.querySelector('blockquote.abstract')?.textContent, 'Abstract'),
      extra: { published_at: meta('citation_date'), pdf_url: meta('citation_pdf_url') },
    });
    return [{ paper, anchor: titleElement }];
  }

  function extractHtml(document, url, base) {
    const id = parseArxivId(url.href);
    if (!id) return [];
    const authors = [...document.querySelectorAll('.ltx_authors .ltx_personname')]
      .map((el) => cleanText(el.firstChild?.textContent ?? el.textContent)).filter(Boolean);
    const paper = makePaper({
      ...base,
      arxiv_id: id,
      title: cleanText(first(document, HTML_TITLE_SELECTORS)?.textContent, 'Title') || cleanText(document.title),
      authors,
      abstract: cleanText(document.querySelector('.ltx_abstract p')?.textContent),
    });
    return [{ paper, anchor: null }];
  }

  function extract(document, url) {
    const base = { source_url: sourceUrl(url), source_site: 'arxiv' };
    const kind = url.pathname.split('/')[1];
    if (kind === 'list') return extractListing(document, base);
    if (kind === 'abs') return extractAbs(document, url, base);
    if (kind === 'html') return extractHtml(document, url, base);
    const id = parseArxivId(url.href); // pdf: the viewer shows no markup worth reading
    return id ? [{ paper: makePaper({ ...base, arxiv_id: id }), anchor: null }] : [];
  }

  PD.extractors.arxiv = { site: 'arxiv', matches, extract };
})();
