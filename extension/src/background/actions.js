/* Browser-level entry points: the context menu, the keyboard command and the toolbar badge. */
(() => {
  const PD = globalThis.PaperDrop;
  const { parseArxivId } = PD.ids;

  const MENU_ID = 'paperdrop-save-link';
  // Links that can name an arXiv paper: abs/pdf/html pages, Hugging Face paper pages, 10.48550 DOIs.
  const LINK_PATTERNS = ['*://arxiv.org/*', '*://*.arxiv.org/*', '*://huggingface.co/papers/*', '*://doi.org/10.48550/*',
    '*://dx.doi.org/10.48550/*'];

  function createActions({ ext, service }) {
    async function createMenus() {
      await ext.contextMenus.removeAll();
      ext.contextMenus.create({ id: MENU_ID, title: 'Save linked paper to PaperDrop', contexts: ['link'],
        targetUrlPatterns: LINK_PATTERNS });
    }

    function showQueueBadge(entries) {
      const count = (entries || []).length;
      ext.action.setBadgeText({ text: count ? String(count) : '' });
      ext.action.setTitle({ title: count ? `PaperDrop: ${count} clip(s) wait for the server` : 'PaperDrop' });
    }

    /** Per-tab badge and tooltip saying how a shortcut or menu save went. */
    function tell(tab, text, title) {
      if (!tab?.id || tab.id < 0) return;
      ext.action.setBadgeText({ tabId: tab.id, text });
      ext.action.setTitle({ tabId: tab.id, title: `PaperDrop: ${title}` });
    }

    const links = new Map(); // notification id → the dashboard page it opens when clicked
    const notified = []; // the last notifications made, newest last (what tests and the popup can read)

    /** A notification with the outcome (clicking it opens the page of it: review, setup, paper). */
    function notify(view, paper) {
      const name = paper.title || (paper.arxiv_id ? `arXiv:${paper.arxiv_id}` : 'The paper');
      const title = { saved: view.text, present: view.text, review: 'Needs review', setup: 'Needs setup', queued: 'Waiting for PaperDrop' }[view.state]
        || 'Not saved';
      const message = [view.detail && view.detail !== view.text ? view.detail : '', view.fix || ''].filter(Boolean).join(' ');
      const id = `paperdrop-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
      if (view.href) links.set(id, view.href);
      const shown = { id, title: `PaperDrop: ${title}`, message: `${name}${message ? `\n${message}` : ''}`, href: view.href };
      notified.push(shown);
      if (notified.length > 20) notified.shift();
      try {
        const made = ext.notifications.create(id, {
          type: 'basic', iconUrl: ext.runtime.getURL('icons/icon-128.png'), title: shown.title, message: shown.message,
          priority: view.state === 'saved' || view.state === 'present' ? 0 : 1,
        });
        made?.catch?.(() => undefined);
      } catch {
        // No notifications here (permission refused, platform without them): the badge still tells it.
      }
    }

    const BADGE = { saved: '✓', present: '✓', review: '?', setup: '!', failed: '!', dismissed: '', queued: '…', saving: '…', retrying: '…' };

    /** Badge and notification follow the clip to its real outcome (never an optimistic ✓). */
    function settle(tab, paper, view) {
      tell(tab, BADGE[view.state] ?? '!', view.detail || view.text);
      if (view.final || view.state === 'queued') notify(view, paper);
    }

    async function saveAndTell(tab, papers) {
      const result = await service.handle({ type: 'save', papers });
      const paper = papers[0];
      if (!result.ok) {
        settle(tab, paper, PD.states.errorView(result.error));
        return result;
      }
      tell(tab, '…', result.queued ? `queued: ${result.reason}` : `saving ${papers.map((p) => p.arxiv_id || p.title).join(', ')}`);
      const send = (message) => service.handle(message);
      let last = null;
      const followed = PD.follow(send, result, 1, (_, view) => {
        if (view.state === 'queued') {
          if (last?.state !== 'queued') notify(view, paper);
          tell(tab, '…', `queued: ${view.detail}`);
        } else if (view.final) settle(tab, paper, view);
        else tell(tab, '…', view.detail || view.text);
        last = view;
      }).catch(() => undefined);
      pending.add(followed);
      followed.finally(() => pending.delete(followed));
      return result;
    }

    const pending = new Set(); // follows still running (tests wait on them: settled())
    const settled = () => Promise.all([...pending]);

    function pageFields(tab) {
      const url = tab?.url ? new URL(tab.url) : null;
      return url ? { source_url: url.href, source_site: url.hostname } : {};
    }

    async function saveLink(info, tab) {
      if (info.menuItemId !== MENU_ID) return;
      const id = parseArxivId(info.linkUrl);
      if (!id) {
        tell(tab, '!', `no arXiv paper in ${info.linkUrl}`);
        notify({ state: 'failed', text: 'Not saved', detail: 'This link names no arXiv paper.' }, { title: info.linkUrl });
        return undefined;
      }
      const paper = { arxiv_id: id, url: `https://arxiv.org/abs/${id}`, ...pageFields(tab) };
      if (info.linkText && info.linkText.length > 12 && !info.linkText.includes(id)) paper.title = info.linkText.trim();
      return saveAndTell(tab, [paper]);
    }

    /** The shortcut: the page's own Save button when there is one, else the paper the URL or page names. */
    async function savePagePaper(tab) {
      try {
        const answer = await ext.tabs.sendMessage(tab.id, { type: 'save-primary' });
        if (answer?.ok) return answer;
      } catch {
        // No content script on this page (not a digest page): find the paper below.
      }
      const id = parseArxivId(tab.url || '');
      let papers = id ? [{ arxiv_id: id, url: `https://arxiv.org/abs/${id}`, ...pageFields(tab) }] : null;
      if (!papers) {
        const found = (await PD.findOnTab(ext, tab.id).catch(() => [])).filter((item) => !item.doi);
        if (found.length === 1) papers = [found[0].paper];
      }
      if (!papers) return tell(tab, '?', 'no single paper on this page: open the PaperDrop popup to choose');
      return saveAndTell(tab, papers);
    }

    function runCommand(command, tab) {
      if (command === 'save-page-paper') return savePagePaper(tab);
      return undefined;
    }

    function openLink(notificationId) {
      const href = links.get(notificationId);
      if (href) ext.tabs.create({ url: href });
      ext.notifications.clear(notificationId);
    }

    return { createMenus, showQueueBadge, saveLink, runCommand, openLink, settled, settle, notified };
  }

  PD.createActions = createActions;
})();
