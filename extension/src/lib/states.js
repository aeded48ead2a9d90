/* What a Save button or popup row shows: the server's `outcome` for the clip, displayed, never re-derived.
 *
 * The server computes `outcome = {kind, message, fix?, target?, links?}` for every clip (README "Outcome").
 * A view is `{state, kind, text, final, href?, title?}`; `final` means nothing changes without a person, so
 * polling stops.
 */
(() => {
  const PD = (globalThis.PaperDrop = globalThis.PaperDrop || {});

  // outcome kind → the widget state (CSS hook) it is shown as
  const VIEW_STATE = {
    saving: 'saving', retrying: 'saving', saved: 'saved', already_there: 'present', needs_review: 'review',
    needs_setup: 'setup', failed: 'failed', dismissed: 'dismissed', rejected: 'failed',
  };
  const SETTLED = new Set(['saved', 'already_there', 'needs_review', 'needs_setup', 'failed', 'dismissed', 'rejected']);

  /** `bibtex:/home/a/papers.bib` → `papers.bib`; `zotero:Reading/ML` → `Zotero: Reading/ML`. */
  function targetLabel(spec) {
    const text = String(spec || '');
    const colon = text.indexOf(':');
    const kind = text.slice(0, colon);
    const rest = text.slice(colon + 1);
    if (kind === 'bibtex') return rest.split(/[\\/]/).pop() || rest;
    if (kind === 'zotero') return `Zotero: ${rest}`;
    return text || 'your library';
  }

  /** The view of an outcome as the server sent it. */
  function outcomeView(outcome) {
    const kind = outcome && VIEW_STATE[outcome.kind] ? outcome.kind : 'saving';
    const links = (outcome && outcome.links) || {};
    return {
      state: VIEW_STATE[kind],
      kind,
      text: (outcome && outcome.message) || 'Saving…',
      final: SETTLED.has(kind),
      href: links.review || links.setup || undefined,
      title: (outcome && outcome.fix) || undefined,
    };
  }

  /** The view of a clip answer (POST /clips entry or GET /clips item). */
  const clipView = (clip) => outcomeView(clip && clip.outcome);

  PD.states = { clipView, outcomeView, targetLabel };
})();
