/* Any other page: arXiv links, "arXiv:<id>" strings, 10.48550 DOIs and other DOIs ("find papers").
 *
 * Injected on demand by the popup (activeTab + scripting), never on page load. Other DOIs are returned
 * with `url` = doi.org link and `extra.doi`; the server may not resolve them, so the popup leaves them
 * unticked.
 */
(() => {
  const PD = globalThis.PaperDrop;
  const { cleanText, makePaper, sourceUrl } = PD.extract;
  const { parseArxivId, findArxivIdsInText, findOtherDoisInText } = PD.ids;

  const DOI_LINK_RE = /^https?:\/\/(?:dx\.)?doi\.org\/(10\.\d{4,9}\/.+)$/i;

  function matches() {
    return true;
  }

  /** A link's text is a useful title when it is not just the URL or the id again. */
  function linkTitle(link, id) {
    const text = cleanText(link.textContent);
    if (!text || text.length < 12 || /^(https?:|arxiv[:\s]|10\.\d)/i.test(text) || text.includes(id)) return undefined;
    return text;
  }

  function extract(document, url) {
    const base = { source_url: sourceUrl(url), source_site: url.hostname };
    const byId = new Map();
    const dois = new Map();
    for (const link of document.querySelectorAll('a[href]')) {
      const href = link.href || link.getAttribute('href');
      const id = parseArxivId(href);
      if (id) {
        if (!byId.has(id) || !byId.get(id).title) byId.set(id, { title: linkTitle(link, id) });
        continue;
      }
      const doi = href.match(DOI_LINK_RE);
      if (doi) dois.set(decodeURIComponent(doi[1]), linkTitle(link, doi[1]));
    }
    const text = document.body?.textContent || '';
    for (const id of findArxivIdsInText(text)) if (!byId.has(id)) byId.set(id, {});
    for (const doi of findOtherDoisInText(text)) if (!dois.has(doi)) dois.set(doi, undefined);
    const items = [...byId].map(([id, found]) => ({ paper: makePaper({ ...base, ...found, arxiv_id: id }), anchor: null }));
    for (const [doi, title] of dois) {
      items.push({ paper: makePaper({ ...base, title, url: `https://doi.org/${doi}`, extra: { doi } }), anchor: null, doi });
    }
    return items;
  }

  PD.extractors.generic = { site: 'generic', matches, extract };
})();
