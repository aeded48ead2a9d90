/* Content script: finds the papers of a digest page, keeps a Save button on each, answers the popup.
 *
 * Re-scans on every DOM change (MutationObserver, coalesced to one scan per task) so buttons appear
 * within a frame of the cards and survive client-side navigation (Hugging Face pages are SPAs).
 * Talks only to the background; never to the server (docs/reference.md "Browser extension").
 */
(() => {
  const PD = globalThis.PaperDrop;
  if (PD.contentStarted) return; // injected twice (e.g. popup re-injection): one observer is enough
  PD.contentStarted = true;
  const ext = globalThis.browser ?? globalThis.chrome;

  const widgets = new Map(); // paper key → widget
  const looked = new Set(); // arXiv ids already asked about (GET /library): once per page
  let items = [];
  let floating = null;
  let scheduled = false;

  /** Runtime messaging that never throws: a reloaded extension leaves this script orphaned. */
  async function send(message) {
    try {
      return await ext.runtime.sendMessage(message);
    } catch (error) {
      return { ok: false, error: { message: `PaperDrop was updated or reloaded: reload this page (${error.message})`, code: 'disconnected' } };
    }
  }

  const keyOf = (paper) => paper.arxiv_id || paper.title || paper.url;

  function floatingBox() {
    if (!floating || !floating.isConnected) {
      floating = document.createElement('div');
      floating.className = 'paperdrop-floating';
      document.body.append(floating);
    }
    return floating;
  }

  /** `dark` when the text around `anchor` sits on a dark background (Hugging Face's dark theme, dark-mode
   * extensions): the first opaque background up the tree decides. */
  function themeOf(anchor) {
    for (let node = anchor || document.body; node && node.nodeType === 1; node = node.parentElement) {
      const rgb = (getComputedStyle(node).backgroundColor || '').match(/[\d.]+/g);
      if (rgb && rgb.length >= 3 && (rgb.length < 4 || Number(rgb[3]) > 0.5)) {
        const [r, g, b] = rgb.map(Number);
        return 0.2126 * r + 0.7152 * g + 0.0722 * b < 128 ? 'dark' : 'light';
      }
    }
    return document.documentElement.classList.contains('dark') ? 'dark' : 'light';
  }

  function place(widget, anchor) {
    widget.root.dataset.theme = themeOf(anchor);
    if (!anchor) floatingBox().append(widget.root);
    else if (anchor.tagName === 'DT') anchor.append(widget.root);
    else anchor.after(widget.root);
  }

  /** Is this widget already in the right place? (A re-render may have dropped or moved its anchor.) */
  function placed(widget, anchor) {
    if (!widget.root.isConnected) return false;
    if (!anchor) return widget.root.parentElement === floating;
    return anchor.tagName === 'DT' ? widget.root.parentElement === anchor : anchor.nextElementSibling === widget.root;
  }

  function decorate(item) {
    const key = keyOf(item.paper);
    let widget = widgets.get(key);
    if (!widget) {
      widget = PD.createWidget(item.paper, { send });
      widgets.set(key, widget);
    }
    widget.paper = item.paper;
    if (!placed(widget, item.anchor)) place(widget, item.anchor);
  }

  /** One question per page to the server: which of these papers are saved already, and where. */
  async function lookUpLibrary() {
    const ids = items.map((item) => item.paper.arxiv_id).filter((id) => id && !looked.has(id));
    if (!ids.length) return;
    for (const id of ids) looked.add(id);
    const answer = await send({ type: 'library', arxivIds: ids });
    if (!answer.ok) return;
    for (const entry of answer.papers) {
      if (entry.saved.length) widgets.get(entry.arxiv_id)?.showLibrary(entry);
    }
  }

  function scan() {
    scheduled = false;
    items = PD.findPapers(document, location.href).items;
    for (const item of items) decorate(item);
    lookUpLibrary();
  }

  function scheduleScan() {
    if (scheduled) return;
    scheduled = true;
    setTimeout(scan, 0);
  }

  const handlers = {
    'list-papers': () => ({ ok: true, site: PD.findPapers(document, location.href).site, papers: items.map((i) => i.paper) }),
    'save-primary': () => {
      const pageId = PD.ids.parseArxivId(location.href);
      const widget = widgets.get(pageId) || (items.length === 1 ? widgets.get(keyOf(items[0].paper)) : null);
      if (!widget) return { ok: false };
      widget.save(undefined, { report: true });
      return { ok: true };
    },
    // The popup saved these papers: let their buttons follow the same clips.
    track: ({ papers, start }) => {
      papers.forEach((paper, index) => {
        const widget = widgets.get(keyOf(paper));
        const clip = start.clips?.[index];
        if (widget && clip) widget.track({ ...start, clips: [clip] });
        else if (widget && start.queued) widget.track(start);
      });
      return { ok: true };
    },
  };

  ext.runtime.onMessage.addListener((message, _sender, sendResponse) => {
    const handler = handlers[message?.type];
    if (!handler) return false;
    sendResponse(handler(message));
    return false;
  });

  new MutationObserver(scheduleScan).observe(document.documentElement, { childList: true, subtree: true });
  addEventListener('popstate', scheduleScan);
  scan();
})();
