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

    async function saveAndTell(tab, papers) {
      const result = await service.handle({ type: 'save', papers });
      if (!result.ok) tell(tab, '!', result.error.message);
      else if (result.queued) tell(tab, '…', `queued: ${result.reason}`);
      else tell(tab, '✓', `sent ${papers.map((p) => p.arxiv_id || p.title).join(', ')}`);
      return result;
    }

    function pageFields(tab) {
      const url = tab?.url ? new URL(tab.url) : null;
      return url ? { source_url: url.href, source_site: url.hostname } : {};
    }

    async function saveLink(info, tab) {
      if (info.menuItemId !== MENU_ID) return;
      const id = parseArxivId(info.linkUrl);
      if (!id) return tell(tab, '!', `no arXiv paper in ${info.linkUrl}`);
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

    return { createMenus, showQueueBadge, saveLink, runCommand };
  }

  PD.createActions = createActions;
})();
