/* The Save button put next to each paper: a short state on the button, and a small card with the server's
 * words (what happened, the fix, a link to the dashboard page of it, Retry) under it. */
(() => {
  const PD = globalThis.PaperDrop;

  const IDLE = { state: 'idle', kind: 'idle', text: 'Save to PaperDrop', final: false };
  // States whose card opens by itself when a save ends in them: the person has to do something.
  const TELL = new Set(['setup', 'review', 'failed']);
  const BUSY = new Set(['saving', 'queued']);

  function element(tag, className, text) {
    const node = document.createElement(tag);
    node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /** A `<span class="paperdrop">`: the button, then the card (hidden until there is something to say). */
  function createWidget(paper, { send }) {
    const root = element('span', 'paperdrop');
    root.dataset.paperdropId = paper.arxiv_id || paper.title || '';
    const button = element('button', 'paperdrop-save');
    button.type = 'button';
    const card = element('span', 'paperdrop-card');
    card.setAttribute('role', 'status');
    card.hidden = true;
    const detail = element('span', 'paperdrop-detail');
    const fix = element('span', 'paperdrop-fix');
    const actions = element('span', 'paperdrop-actions');
    const link = element('a', 'paperdrop-link');
    link.target = '_blank';
    link.rel = 'noopener';
    const retry = element('button', 'paperdrop-retry', 'Retry');
    const options = element('button', 'paperdrop-options', 'Open PaperDrop options');
    const picker = element('select', 'paperdrop-targets');
    picker.setAttribute('aria-label', 'Save to');
    const other = element('button', 'paperdrop-other', 'Save there too');
    const close = element('button', 'paperdrop-close', '×');
    close.setAttribute('aria-label', 'Close');
    for (const b of [retry, options, other, close]) b.type = 'button';
    actions.append(link, retry, options, picker, other);
    card.append(close, detail, fix, actions);
    root.append(button, card);
    let busy = false;
    let view = IDLE;

    let cardOpen = false;

    function show(next, { open } = {}) {
      view = next;
      if (open !== undefined) cardOpen = open;
      if (BUSY.has(view.state) || view.state === 'idle') cardOpen = false;
      const said = view.detail && view.detail !== view.text ? view.detail : '';
      const canSaveElsewhere = ['saved', 'present'].includes(view.state);
      root.dataset.state = view.state;
      root.dataset.kind = view.kind || view.state;
      button.textContent = view.text;
      button.title = said;
      button.disabled = BUSY.has(view.state);
      detail.textContent = said;
      fix.textContent = view.fix || '';
      fix.hidden = !view.fix;
      link.hidden = !view.href;
      if (view.href) {
        link.href = view.href;
        link.textContent = view.linkText || 'Open in PaperDrop';
      }
      retry.hidden = !view.retry;
      options.hidden = view.action !== 'options';
      picker.hidden = other.hidden = !canSaveElsewhere;
      card.hidden = !(cardOpen && (said || view.fix || view.href || canSaveElsewhere));
      button.setAttribute('aria-expanded', String(!card.hidden));
    }

    /** Follow a save (or retry) answer to the end; a final state that needs a person opens the card. */
    async function followStart(start) {
      await PD.follow(send, start, 1, (_, next) => show(next, next.final ? { open: TELL.has(next.state) } : {}));
    }

    /** Follow clips already saved elsewhere (the popup's "Save all") so this button tells the truth too. */
    async function track(start) {
      busy = true;
      try {
        await followStart(start);
      } finally {
        busy = false;
      }
    }

    /** Save the paper; `report`: tell the background the outcome too (a keyboard shortcut's save ends in a
     * notification and the badge, like a menu save). */
    async function save(target, { report = false } = {}) {
      if (busy) return;
      busy = true;
      show({ state: 'saving', kind: 'saving', text: 'Saving…', final: false });
      try {
        const start = await send({ type: 'save', papers: [paper], target });
        if (!start.ok) show(PD.states.errorView(start.error), { open: true });
        else await followStart(start);
      } finally {
        busy = false;
      }
      if (report) send({ type: 'outcome', paper, view });
    }

    async function retryClip() {
      const { retry: which } = view;
      if (busy || !which) return;
      busy = true;
      show({ state: 'saving', kind: 'saving', text: 'Retrying…', final: false });
      try {
        const start = await send({ type: 'retry', ...which });
        if (!start.ok) return show(PD.states.errorView(start.error), { open: true });
        await followStart(start);
      } finally {
        busy = false;
      }
      return undefined;
    }

    /** The targets to save to besides the ones that have it already (from the server, recent first). */
    async function fillPicker() {
      const answer = await send({ type: 'targets' });
      const have = new Set(view.targets || []);
      const choices = (answer.ok ? answer.targets : []).filter((t) => !have.has(t.spec));
      picker.replaceChildren(...choices.map((t) => new Option(t.label, t.value || t.spec)));
      picker.hidden = other.hidden = choices.length === 0; // saved everywhere PaperDrop knows
    }

    function toggleCard() {
      show(view, { open: card.hidden });
      if (!card.hidden && !picker.hidden) fillPicker();
    }

    const quiet = (handler) => (event) => {
      event.preventDefault();
      event.stopPropagation(); // cards are often links themselves
      handler();
    };
    button.addEventListener('click', quiet(() => {
      if (view.state === 'idle') save();
      else toggleCard();
    }));
    close.addEventListener('click', quiet(() => show(view, { open: false })));
    retry.addEventListener('click', quiet(retryClip));
    options.addEventListener('click', quiet(() => send({ type: 'openOptions' })));
    other.addEventListener('click', quiet(() => picker.value && save(picker.value)));
    picker.addEventListener('click', (event) => event.stopPropagation());
    link.addEventListener('click', (event) => event.stopPropagation());
    show(IDLE);
    return {
      root, paper, save, track, show,
      showLibrary: (entry) => { if (!busy && view.state === 'idle') show(PD.states.libraryView(entry)); },
      get view() { return view; },
    };
  }

  PD.createWidget = createWidget;
})();
