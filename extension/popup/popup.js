/* Popup: the papers of the current tab with checkboxes, Save all / Save selected, target, connection.
 *
 * `popup.html?tab=<id>` shows another tab's papers (for opening the popup as a page, e.g. in tests).
 */
(() => {
  const ext = globalThis.browser ?? globalThis.chrome;
  const PD = globalThis.PaperDrop;
  const $ = (selector) => document.querySelector(selector);
  let tab = null;
  let rows = [];

  const send = (message) => ext.runtime.sendMessage(message);

  async function currentTab() {
    const asked = Number(new URLSearchParams(location.search).get('tab'));
    if (asked) return ext.tabs.get(asked);
    const [active] = await ext.tabs.query({ active: true, currentWindow: true });
    return active;
  }

  function showConnection(status) {
    const box = $('#connection');
    box.className = `connection ${status.connected ? 'ok' : 'error'}`;
    box.textContent = status.connected ? `Connected (PaperDrop ${status.version})` : status.error.message;
    $('#waiting').hidden = !status.waiting;
    $('#waiting').textContent = `${status.waiting} clip(s) wait for the server and will be sent when it answers.`;
    if (!status.connected) return;
    const select = $('#target');
    select.replaceChildren(...status.targets.map((target) => {
      const label = `${PD.states.targetLabel(target.spec)}${target.reachable ? '' : ' (unreachable)'}`;
      const option = new Option(label, target.spec, false, target.spec === status.defaultTarget);
      option.title = target.reachable ? target.spec : `${target.message} ${target.fix || ''}`;
      return option;
    }));
    select.disabled = status.targets.length === 0;
  }

  // The server needs an arXiv id or a title (a bare DOI of a journal paper is shown, not saved).
  const savable = (paper) => Boolean(paper.arxiv_id || paper.title);

  function paperRow(paper, checked) {
    const li = document.createElement('li');
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.checked = checked && savable(paper);
    box.disabled = !savable(paper);
    const text = document.createElement('span');
    text.textContent = paper.title || paper.arxiv_id || paper.url;
    const id = document.createElement('span');
    id.className = 'id';
    id.textContent = paper.arxiv_id ? ` arXiv:${paper.arxiv_id}` : ` ${paper.extra?.doi ? `DOI ${paper.extra.doi}` : ''}`;
    text.append(id);
    const label = document.createElement('label');
    label.append(box, text);
    const state = document.createElement('span');
    state.className = 'state';
    li.append(label, state);
    return { li, box, state, paper };
  }

  /** `items`: `[{paper, doi?}]`; DOIs of non-arXiv papers start unticked (PaperDrop resolves arXiv papers). */
  function showPapers(items, site) {
    rows = items.map((item) => paperRow(item.paper, !item.doi));
    $('#papers').replaceChildren(...rows.map((row) => row.li));
    $('#summary').textContent = items.length ? `${items.length} paper(s) on this page` : 'No papers found on this page.';
    $('#find').hidden = Boolean(site) && items.length > 0;
    $('#save-all').disabled = $('#save-selected').disabled = items.length === 0;
  }

  async function listPapers() {
    try {
      const answer = await ext.tabs.sendMessage(tab.id, { type: 'list-papers' });
      if (answer?.ok) return showPapers(answer.papers.map((paper) => ({ paper })), answer.site);
    } catch {
      // No content script: not a digest page.
    }
    const id = PD.ids.parseArxivId(tab.url || ''); // e.g. arXiv PDFs shown by the browser's viewer
    if (id) return showPapers([{ paper: { arxiv_id: id, url: `https://arxiv.org/abs/${id}`, source_url: tab.url, source_site: 'arxiv' } }], 'arxiv');
    showPapers([], null);
    $('#summary').textContent = 'This is not a digest page.';
    return undefined;
  }

  async function findPapers() {
    $('#summary').textContent = 'Looking for arXiv links, ids and DOIs…';
    try {
      showPapers(await PD.findOnTab(ext, tab.id), 'generic');
    } catch (error) {
      $('#summary').textContent = `Cannot read this page: ${error.message}`;
    }
  }

  function summarize(views) {
    const counts = {};
    for (const view of views) counts[view.state] = (counts[view.state] || 0) + 1;
    const words = { saved: 'saved', present: 'already in your library', review: 'need review', setup: 'need a setup fix', failed: 'failed', dismissed: 'dismissed', queued: 'queued', saving: 'saving' };
    return Object.entries(counts).map(([state, n]) => `${n} ${words[state] || state}`).join(', ');
  }

  async function save(selectedOnly) {
    const chosen = rows.filter((row) => savable(row.paper) && (!selectedOnly || row.box.checked));
    if (!chosen.length) return;
    const papers = chosen.map((row) => row.paper);
    const message = $('#message');
    message.className = '';
    message.textContent = 'Saving…';
    const start = await send({ type: 'save', papers, target: $('#target').value || undefined });
    if (!start.ok) {
      message.textContent = start.error.message;
      return;
    }
    ext.tabs.sendMessage(tab.id, { type: 'track', papers, start }).catch(() => undefined);
    const views = chosen.map(() => ({ state: 'saving' }));
    await PD.follow(send, start, chosen.length, (index, view) => {
      views[index] = view;
      chosen[index].state.textContent = view.text;
      chosen[index].state.dataset.state = view.state;
      message.textContent = summarize(views);
    });
    message.className = views.every((v) => ['saved', 'present'].includes(v.state)) ? 'ok' : '';
  }

  async function main() {
    tab = await currentTab();
    $('#find').addEventListener('click', findPapers);
    $('#save-all').addEventListener('click', () => save(false));
    $('#save-selected').addEventListener('click', () => save(true));
    await Promise.all([send({ type: 'status' }).then(showConnection), listPapers()]);
  }

  main().catch((error) => {
    $('#message').textContent = error.message;
  });
})();
