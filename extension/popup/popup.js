/* Popup: the papers of the current tab with checkboxes (all / none), the target to save to, Save all /
 * Save selected, counts that follow the clips as they settle, the connection and a link to the dashboard.
 *
 * `popup.html?tab=<id>` shows another tab's papers (for opening the popup as a page, e.g. in tests).
 */
(() => {
  const ext = globalThis.browser ?? globalThis.chrome;
  const PD = globalThis.PaperDrop;
  const $ = (selector) => document.querySelector(selector);
  let tab = null;
  let rows = [];
  let targets = [];

  const send = (message) => ext.runtime.sendMessage(message);

  async function currentTab() {
    const asked = Number(new URLSearchParams(location.search).get('tab'));
    if (asked) return ext.tabs.get(asked);
    const [active] = await ext.tabs.query({ active: true, currentWindow: true });
    return active;
  }

  function showProblem(error) {
    const box = $('#problem');
    box.hidden = !error;
    if (!error) return;
    const options = document.createElement('a');
    options.href = '../options/options.html';
    options.target = '_blank';
    options.textContent = 'Open the options';
    box.replaceChildren(document.createTextNode(`${error.message} `), options);
  }

  function showWhere() {
    const chosen = targets.find((t) => t.value === $('#target').value);
    $('#target-where').textContent = chosen ? chosen.location : '';
    $('#target-where').title = chosen ? chosen.spec : '';
  }

  function targetText(target) {
    const name = target.name && target.name !== 'default' ? ` · ${target.name}` : '';
    return `${target.label || PD.states.targetLabel(target.spec)}${name}${target.reachable === false ? ' (needs setup)' : ''}`;
  }

  function showConnection(status) {
    const pill = $('#connection');
    pill.dataset.state = status.connected ? 'ok' : 'bad';
    pill.textContent = status.connected ? `Connected · ${status.version}` : 'Not connected';
    if (status.dashboardUrl) $('#dashboard').href = status.dashboardUrl;
    showProblem(status.connected ? null : status.error);
    $('#waiting').hidden = !status.waiting;
    $('#waiting').textContent = status.waiting === 1 ? '1 save waits for PaperDrop and is sent when it answers.'
      : `${status.waiting} saves wait for PaperDrop and are sent when it answers.`;
    if (!status.connected) return;
    targets = status.targets;
    const select = $('#target');
    select.replaceChildren(...targets.map((target) => {
      const chosen = [target.spec, target.value].includes(status.defaultTarget);
      const option = new Option(targetText(target), target.value, false, chosen);
      option.title = target.reachable === false ? `${target.message} ${target.fix || ''}` : target.location;
      return option;
    }));
    select.disabled = targets.length === 0;
    showWhere();
  }

  // The server needs an arXiv id or a title (a bare DOI of a journal paper is shown, not saved).
  const savable = (paper) => Boolean(paper.arxiv_id || paper.title);

  function paperRow(paper, checked) {
    const li = document.createElement('li');
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.checked = checked && savable(paper);
    box.disabled = !savable(paper);
    box.addEventListener('change', countSelected);
    const title = document.createElement('span');
    title.className = 'title';
    title.textContent = paper.title || paper.arxiv_id || paper.url;
    const id = document.createElement('span');
    id.className = 'id';
    id.textContent = paper.arxiv_id ? ` arXiv:${paper.arxiv_id}` : ` ${paper.extra?.doi ? `DOI ${paper.extra.doi}` : ''}`;
    title.append(id);
    const outcome = document.createElement('span');
    outcome.className = 'outcome';
    const label = document.createElement('label');
    label.append(box, title, outcome);
    li.append(label);
    return { li, box, outcome, paper, view: null };
  }

  /** The row's outcome: a chip with the short state, the server's words, and the dashboard link. */
  function showView(row, view) {
    row.view = view;
    const chip = document.createElement('span');
    chip.className = 'chip state';
    chip.dataset.state = view.state;
    chip.textContent = view.text;
    const parts = [chip];
    const said = view.detail && view.detail !== view.text ? view.detail : '';
    if (said && view.final) {
      const detail = document.createElement('span');
      detail.className = 'detail';
      detail.textContent = view.fix ? `${said} ${view.fix}` : said;
      parts.push(detail);
    }
    if (view.href) {
      const link = document.createElement('a');
      link.href = view.href;
      link.target = '_blank';
      link.rel = 'noopener';
      link.textContent = view.linkText || 'Open';
      parts.push(link);
    }
    row.outcome.replaceChildren(...parts);
  }

  function countSelected() {
    const chosen = rows.filter((row) => row.box.checked).length;
    const button = $('#save-selected');
    button.disabled = chosen === 0;
    button.textContent = chosen ? `Save selected (${chosen})` : 'Save selected';
  }

  const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;

  /** `items`: `[{paper, doi?}]`; DOIs of non-arXiv papers start unticked (PaperDrop resolves arXiv papers). */
  function showPapers(items, site) {
    rows = items.map((item) => paperRow(item.paper, !item.doi));
    $('#papers').replaceChildren(...rows.map((row) => row.li));
    $('#summary').textContent = items.length ? `${plural(items.length, 'paper', 'papers')} on this page` : 'No papers found on this page.';
    $('#find').hidden = Boolean(site) && items.length > 0;
    $('#select-tools').hidden = items.length < 2;
    $('#save-all').disabled = items.length === 0;
    countSelected();
    markSaved();
  }

  /** Papers the library has already: marked, and unticked (save them elsewhere by ticking them again). */
  async function markSaved() {
    const ids = rows.map((row) => row.paper.arxiv_id).filter(Boolean);
    if (!ids.length) return;
    const answer = await send({ type: 'library', arxivIds: ids });
    if (!answer?.ok) return;
    const byId = new Map(answer.papers.filter((p) => p.saved.length).map((p) => [p.arxiv_id, p]));
    for (const row of rows) {
      const entry = byId.get(row.paper.arxiv_id);
      if (!entry || row.view) continue;
      showView(row, PD.states.libraryView(entry));
      row.box.checked = false;
    }
    countSelected();
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
    $('#summary').textContent = 'No paper list on this page.';
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

  const WORDS = {
    saved: ['saved', 'saved'], present: ['already there', 'already there'], review: ['needs review', 'need review'],
    setup: ['needs setup', 'need setup'], failed: ['not saved', 'not saved'], dismissed: ['dismissed', 'dismissed'],
    queued: ['waiting for PaperDrop', 'waiting for PaperDrop'], retrying: ['retrying soon', 'retrying soon'], saving: ['saving', 'saving'],
  };
  const ORDER = ['saved', 'present', 'review', 'setup', 'failed', 'dismissed', 'queued', 'retrying', 'saving'];

  /** "28 saved · 1 needs review · 1 saving": counts of the states, as they settle. */
  function summarize(views) {
    const counts = {};
    for (const view of views) counts[view.state] = (counts[view.state] || 0) + 1;
    return ORDER.filter((state) => counts[state]).map((state) => {
      const [one, many] = WORDS[state];
      return `${counts[state]} ${counts[state] === 1 ? one : many}`;
    }).join(' · ');
  }

  async function save(selectedOnly) {
    const chosen = rows.filter((row) => savable(row.paper) && (!selectedOnly || row.box.checked));
    if (!chosen.length) return;
    const papers = chosen.map((row) => row.paper);
    const message = $('#message');
    delete message.dataset.tone;
    message.textContent = `Saving ${plural(chosen.length, 'paper', 'papers')}…`;
    $('#save-all').disabled = $('#save-selected').disabled = true;
    try {
      const start = await send({ type: 'save', papers, target: $('#target').value || undefined });
      if (!start.ok) {
        showProblem(start.error);
        message.textContent = '';
        return;
      }
      ext.tabs.sendMessage(tab.id, { type: 'track', papers, start }).catch(() => undefined);
      const views = chosen.map(() => ({ state: 'saving' }));
      await PD.follow(send, start, chosen.length, (index, view) => {
        views[index] = view;
        showView(chosen[index], view);
        message.textContent = summarize(views);
      });
      if (views.every((v) => ['saved', 'present'].includes(v.state))) message.dataset.tone = 'ok';
    } finally {
      $('#save-all').disabled = false;
      countSelected();
    }
  }

  function selectAll(checked) {
    for (const row of rows) if (!row.box.disabled) row.box.checked = checked;
    countSelected();
  }

  async function main() {
    tab = await currentTab();
    $('#find').addEventListener('click', findPapers);
    $('#save-all').addEventListener('click', () => save(false));
    $('#save-selected').addEventListener('click', () => save(true));
    $('#select-all').addEventListener('click', () => selectAll(true));
    $('#select-none').addEventListener('click', () => selectAll(false));
    $('#target').addEventListener('change', showWhere);
    await Promise.all([send({ type: 'status' }).then(showConnection), listPapers()]);
  }

  main().catch((error) => showProblem(error));
})();
