/* What a Save button shows, computed from the clip the server returns (never guessed).
 *
 * Clip states: received → resolving → resolved | needs_review | failed; delivery states:
 * pending → delivered | failed (DESIGN.md "Data flow"). A view is
 * `{state, text, final, href?, title?}` with state one of saving|saved|present|review|failed|queued.
 */
(() => {
  const PD = (globalThis.PaperDrop = globalThis.PaperDrop || {});

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

  function deliveryFor(clip) {
    const deliveries = clip.deliveries || [];
    return deliveries.find((d) => d.target === clip.target) || deliveries[0] || null;
  }

  function reviewUrl(clip, serverUrl) {
    if (clip.review_url) return new URL(clip.review_url, serverUrl || undefined).href;
    return serverUrl ? `${serverUrl}/review` : undefined;
  }

  const saving = (text = 'Saving…', title) => ({ state: 'saving', text, final: false, title });

  function deliveredView(clip, delivery, duplicate) {
    if (delivery.already_present || duplicate) {
      return { state: 'present', text: 'Already in your library', final: true, title: targetLabel(delivery.target) };
    }
    return { state: 'saved', text: `Saved to ${targetLabel(delivery.target || clip.target)}`, final: true };
  }

  /** The view of one clip. `duplicate`: the POST answered that this paper was clipped before. */
  function clipView(clip, { duplicate = false, serverUrl } = {}) {
    if (clip.status === 'needs_review') {
      return { state: 'review', text: 'Needs review', final: true, href: reviewUrl(clip, serverUrl),
        title: 'PaperDrop is not sure which arXiv paper this is: pick it on the review page.' };
    }
    if (clip.status === 'failed') {
      return { state: 'failed', text: `Failed: ${clip.error || 'unknown error'}`, final: true };
    }
    if (clip.status !== 'resolved') return saving();
    const delivery = deliveryFor(clip);
    if (!delivery || delivery.state === 'pending') {
      return saving('Saving…', delivery?.last_error ? `Retrying: ${delivery.last_error}` : undefined);
    }
    if (delivery.state === 'delivered') return deliveredView(clip, delivery, duplicate);
    return { state: 'failed', text: `Failed: ${delivery.last_error || 'delivery failed'}`, final: true };
  }

  PD.states = { clipView, targetLabel };
})();
