/* The Save button put next to each paper: shows the state the server reports for its clip. */
(() => {
  const PD = globalThis.PaperDrop;

  const IDLE = { state: 'idle', text: 'Save to PaperDrop', final: false };

  /** A `<span class="paperdrop">` with the button and, for "needs review", a link to the dashboard. */
  function createWidget(paper, { send }) {
    const root = document.createElement('span');
    root.className = 'paperdrop';
    root.dataset.paperdropId = paper.arxiv_id || paper.title || '';
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'paperdrop-save';
    const link = document.createElement('a');
    link.className = 'paperdrop-review';
    link.target = '_blank';
    link.rel = 'noopener';
    link.hidden = true;
    root.append(button, link);
    let busy = false;

    function show(view) {
      root.dataset.state = view.state;
      button.textContent = view.state === 'review' ? 'Needs review' : view.text;
      button.title = view.title || '';
      button.disabled = ['saving', 'queued', 'saved', 'present'].includes(view.state);
      link.hidden = !(['review', 'setup'].includes(view.state) && view.href);
      if (view.href) {
        link.href = view.href;
        link.textContent = view.state === 'setup' ? 'How to fix' : 'Open review';
      }
    }

    /** Follow clips already saved elsewhere (the popup's "Save all") so this button tells the truth too. */
    async function track(start) {
      busy = true;
      try {
        await PD.follow(send, start, 1, (_, view) => show(view));
      } finally {
        busy = false;
      }
    }

    async function save() {
      if (busy) return;
      busy = true;
      show({ state: 'saving', text: 'Saving…' });
      try {
        const start = await send({ type: 'save', papers: [paper] });
        if (!start.ok) return show({ state: 'failed', text: start.error.message });
        await PD.follow(send, start, 1, (_, view) => show(view));
      } finally {
        busy = false;
      }
    }

    button.addEventListener('click', (event) => {
      event.preventDefault();
      event.stopPropagation(); // cards are often links themselves
      save();
    });
    show(IDLE);
    return { root, paper, save, track, show };
  }

  PD.createWidget = createWidget;
})();
