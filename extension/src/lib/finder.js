/* Finds the papers of any tab by injecting the extractors on demand (activeTab + scripting permissions). */
(() => {
  const PD = (globalThis.PaperDrop = globalThis.PaperDrop || {});

  const EXTRACTOR_FILES = ['src/lib/ids.js', 'src/extractors/common.js', 'src/extractors/huggingface.js',
    'src/extractors/arxiv.js', 'src/extractors/generic.js', 'src/extractors/index.js'];

  /** `[{paper, doi?}]` of the page in `tabId`, site extractors first, else arXiv links, ids and DOIs. */
  async function findOnTab(ext, tabId) {
    await ext.scripting.executeScript({ target: { tabId }, files: EXTRACTOR_FILES });
    const [injection] = await ext.scripting.executeScript({
      target: { tabId },
      func: () => globalThis.PaperDrop.findPapers(document, location.href, { generic: true })
        .items.map(({ paper, doi }) => ({ paper, doi })),
    });
    return injection?.result || [];
  }

  PD.findOnTab = findOnTab;
})();
