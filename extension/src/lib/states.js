/* What a Save button or popup row shows: the server's `outcome` for the clip, displayed, never re-derived.
 *
 * The server computes `outcome = {kind, message, fix?, target?, links?}` for every clip (README "Outcome").
 * A view is `{state, kind, text, detail, fix, final, href?, linkText?, retry?, action?}`:
 *   text      the short state on the button ("Needs setup", "Saved to papers.bib")
 *   detail    the server's message, shown in the card next to the button and in the popup row
 *   fix       what to do, in the server's words
 *   href      the dashboard page of it (outcome.links: setup, review, failed or paper), `linkText` names it
 *   retry     `{paperId, clipId}` when a retry (POST /papers/<id>/retry) can help
 *   action    `options`: the fix is in the extension's options (pairing, token)
 *   final     nothing changes without a person, so polling stops
 */
(() => {
  const PD = (globalThis.PaperDrop = globalThis.PaperDrop || {});

  // outcome kind → the widget state (CSS hook) it is shown as
  const VIEW_STATE = {
    saving: 'saving', retrying: 'retrying', saved: 'saved', already_there: 'present', needs_review: 'review',
    needs_setup: 'setup', failed: 'failed', dismissed: 'dismissed', rejected: 'failed',
  };
  const SETTLED = new Set(['saved', 'already_there', 'needs_review', 'needs_setup', 'failed', 'dismissed', 'rejected']);
  const SHORT = {
    saving: 'Saving…', retrying: 'Retrying soon', needs_review: 'Needs review', needs_setup: 'Needs setup',
    failed: 'Not saved', rejected: 'Not saved', dismissed: 'Dismissed',
  };
  // which outcome link the card offers, and what it says
  const LINKS = [
    ['review', 'Choose the paper'], ['setup', 'Fix it on the dashboard'], ['failed', 'Open on the dashboard'],
    ['paper', 'Open in PaperDrop'],
  ];

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

  /** Words as a person reads them: a command in backticks (as CLI help writes it) loses the backticks. */
  const plain = (text) => (text ? String(text).replace(/`([^`]*)`/g, '$1') : text);

  /** The short button text of an outcome: where it is for saved ones, else the kind in two words. */
  function shortText(kind, outcome) {
    const where = outcome && outcome.target ? targetLabel(outcome.target) : null;
    if (kind === 'saved') return where ? `Saved to ${where}` : 'Saved';
    if (kind === 'already_there') return where ? `Already in ${where}` : 'In your library';
    return SHORT[kind] || 'Saving…';
  }

  /** The view of an outcome as the server sent it; `clip` (optional) adds what a retry needs. */
  function outcomeView(outcome, clip) {
    const kind = outcome && VIEW_STATE[outcome.kind] ? outcome.kind : 'saving';
    const links = (outcome && outcome.links) || {};
    const [linkKey, linkText] = LINKS.find(([key]) => links[key]) || [];
    const view = {
      state: VIEW_STATE[kind],
      kind,
      text: shortText(kind, outcome),
      detail: plain(outcome && outcome.message) || 'Saving…',
      fix: plain(outcome && outcome.fix) || undefined,
      final: SETTLED.has(kind),
      href: linkKey ? links[linkKey] : undefined,
      linkText,
    };
    // A failed delivery can be tried again once the cause is fixed; a paper arXiv does not know cannot.
    // (POST /clips answers carry `paper_id`, GET /clips items the `paper` itself.)
    const paperId = clip ? (clip.paper_id ?? (clip.paper && clip.paper.id)) : null;
    if (kind === 'failed' && paperId != null) view.retry = { paperId, clipId: clip.id };
    return view;
  }

  /** The view of a clip answer (POST /clips entry or GET /clips item). */
  const clipView = (clip) => outcomeView(clip && clip.outcome, clip);

  // Background errors (wire form: {message, code, transient}) as views: short text, the words in the card.
  const ERROR_TEXT = {
    unauthorized: 'Not connected', no_token: 'Not connected', token_changed: 'Pair again', forbidden_host: 'Not connected',
    not_paperdrop: 'Not connected', bad_url: 'Not connected', disconnected: 'Reload the page',
  };

  function errorView(error) {
    const code = error && error.code;
    const view = { state: 'failed', kind: 'error', text: ERROR_TEXT[code] || 'Not saved', detail: plain(error && error.message) || 'Something went wrong.',
      final: true, code };
    if (ERROR_TEXT[code] && code !== 'disconnected') {
      view.state = 'setup';
      view.action = 'options';
    }
    return view;
  }

  /** A paper the library lookup (GET /library) found saved: `{saved: [{target, label}], links}`. */
  function libraryView(entry) {
    const where = entry.saved.map((copy) => copy.label || targetLabel(copy.target));
    return {
      state: 'present', kind: 'in_library', text: 'In your library', detail: `Saved to ${where.join(', ')}.`,
      final: true, href: entry.links && entry.links.paper, linkText: 'Open in PaperDrop', targets: entry.saved.map((c) => c.target),
    };
  }

  PD.states = { clipView, outcomeView, errorView, libraryView, targetLabel };
})();
