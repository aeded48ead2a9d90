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

  function place(widget, anchor) {
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

  function scan() {
    scheduled = false;
    items = PD.findPapers(document, location.href).items;
    for (const item of items) decorate(item);
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
      widget.save();
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
