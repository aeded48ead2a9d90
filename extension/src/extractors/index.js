/* Picks the extractor for a page and runs it: `PaperDrop.findPapers(document, url)`. */
(() => {
  const PD = globalThis.PaperDrop;

  /** Site extractors first; `generic` only when asked (the popup's "find papers on this page"). */
  function findPapers(document, url, { generic = false } = {}) {
    const where = new URL(String(url));
    const { huggingface, arxiv } = PD.extractors;
    for (const extractor of [huggingface, arxiv]) {
      if (extractor.matches(where)) return { site: extractor.site, items: extractor.extract(document, where) };
    }
    if (generic) return { site: 'generic', items: PD.extractors.generic.extract(document, where) };
    return { site: null, items: [] };
  }

  PD.findPapers = findPapers;
})();
