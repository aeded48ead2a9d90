/* arXiv identifiers and DOIs: parse one, or find all of them in text and URLs.
 *
 * Same rules as sync/ids.py (docs/reference.md "arXiv API"): new style YYMM.NNNN(N), old style
 * archive(.SUBJ)/NNNNNNN, optional vN. Loaded as a classic script everywhere (content scripts, the
 * background, extension pages, node tests) and published on globalThis.PaperDrop.ids.
 */
(() => {
  const PD = (globalThis.PaperDrop = globalThis.PaperDrop || {});

  const NEW_STYLE = String.raw`\d{4}\.\d{4,5}`;
  const OLD_STYLE = String.raw`[a-z]+(?:-[a-z]+)*(?:\.[A-Z]{2})?\/\d{7}`;
  const ID = `(?:${NEW_STYLE}|${OLD_STYLE})`;
  const ID_RE = new RegExp(`^(${ID})(?:v(\\d+))?$`);
  const ARXIV_URL_RE = new RegExp(
    String.raw`^(?:https?:)?\/\/(?:www\.|export\.)?arxiv\.org\/(?:abs|pdf|html)\/(${ID})(?:v\d+)?`, 'i');
  const HF_URL_RE = new RegExp(String.raw`^(?:https?:\/\/(?:www\.)?huggingface\.co)?\/papers\/(${NEW_STYLE})(?:v\d+)?(?:[/?#]|$)`, 'i');
  const ARXIV_DOI_RE = new RegExp(String.raw`10\.48550\/arxiv\.(${ID})`, 'i');
  // "arXiv:2403.12943" and "arXiv 2403.12943v2" in running text.
  const TEXT_ID_RE = new RegExp(String.raw`arxiv[:\s]\s*(${ID})(?:v\d+)?`, 'gi');
  const TEXT_DOI_RE = /\b(10\.\d{4,9}\/[^\s"<>]+[^\s"<>.,;:)\]])/g;

  /** The unversioned arXiv id named by a bare id, "arXiv:" id, abs/pdf/html URL or 10.48550 DOI, or null. */
  function parseArxivId(value) {
    if (typeof value !== 'string') return null;
    let text = value.trim();
    const url = text.match(ARXIV_URL_RE) || text.match(HF_URL_RE);
    if (url) return url[1];
    const doi = text.match(ARXIV_DOI_RE);
    if (doi) return doi[1];
    text = text.replace(/^arxiv:\s*/i, '');
    const bare = text.match(ID_RE);
    return bare ? bare[1] : null;
  }

  /** Every arXiv id named in `text` ("arXiv:" ids and 10.48550 DOIs), unversioned, in order, once each. */
  function findArxivIdsInText(text) {
    const found = [];
    for (const match of String(text).matchAll(TEXT_ID_RE)) found.push(match[1]);
    for (const match of String(text).matchAll(new RegExp(ARXIV_DOI_RE.source, 'gi'))) found.push(match[1]);
    return [...new Set(found)];
  }

  /** Every DOI in `text` that is not an arXiv DataCite DOI (those are ids, found above). */
  function findOtherDoisInText(text) {
    const found = [];
    for (const match of String(text).matchAll(TEXT_DOI_RE)) {
      if (!/^10\.48550\//i.test(match[1])) found.push(match[1]);
    }
    return [...new Set(found)];
  }

  PD.ids = { parseArxivId, findArxivIdsInText, findOtherDoisInText };
})();
