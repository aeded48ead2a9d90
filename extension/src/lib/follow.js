/* Follows saved clips to their final state by asking the background, for buttons and the popup alike.
 *
 * `start` is the background's answer to a save: `{clips, poll}` (sent) or `{queued, key, reason, poll}`
 * (waiting in the offline queue). `onView(index, view)` gets the view of the index-th saved paper each
 * time it is known; the promise resolves when every clip is final or the poll timeout passes.
 */
(() => {
  const PD = (globalThis.PaperDrop = globalThis.PaperDrop || {});

  const MAX_INTERVAL_MS = 2000;
  const QUEUED_INTERVAL_MS = 500;
  const sleepMs = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  function queuedView(reason) {
    return { state: 'queued', kind: 'queued', text: 'Queued until PaperDrop is back', final: false,
      detail: reason || 'PaperDrop is not running.', fix: 'The extension sends it as soon as PaperDrop answers.' };
  }

  const errorView = (error) => PD.states.errorView(error);

  /** Wait while the save sits in the offline queue; returns the clips once sent, or null on error. */
  async function waitForSend(send, start, count, onView, sleep) {
    for (let i = 0; i < count; i += 1) onView(i, queuedView(start.reason));
    for (;;) {
      await sleep(Math.max(start.poll.intervalMs, QUEUED_INTERVAL_MS));
      const answer = await send({ type: 'lookup', key: start.key });
      if (!answer.ok) {
        for (let i = 0; i < count; i += 1) onView(i, errorView(answer.error));
        return null;
      }
      if (!answer.queued) return answer.clips;
      for (let i = 0; i < count; i += 1) onView(i, queuedView(answer.lastError));
    }
  }

  async function follow(send, start, count, onView, { sleep = sleepMs, now = () => Date.now() } = {}) {
    const clips = start.queued ? await waitForSend(send, start, count, onView, sleep) : start.clips;
    if (!clips) return;
    // The save's own answer already carries each clip's outcome: show it, and poll only what is not final.
    let pending = [];
    clips.forEach((clip, index) => {
      const view = PD.states.clipView(clip);
      onView(index, view);
      if (!view.final && clip.id != null) pending.push({ id: clip.id, index, view });
    });
    let interval = start.poll.intervalMs;
    const deadline = now() + start.poll.timeoutMs;
    while (pending.length) {
      await sleep(interval);
      interval = Math.min(MAX_INTERVAL_MS, Math.round(interval * 1.3)); // fast at first, gentle for long retries
      const answer = await send({ type: 'clipStates', clips: pending.map(({ id }) => ({ id })) });
      if (answer.ok) {
        for (const clip of pending) {
          if (answer.views[clip.id]) clip.view = answer.views[clip.id];
          onView(clip.index, clip.view);
        }
        pending = pending.filter((clip) => !clip.view.final);
      } else if (!answer.error.transient) {
        for (const clip of pending) onView(clip.index, errorView(answer.error));
        return;
      }
      if (pending.length && now() > deadline) {
        // Still working on the server (long retries): say what it last said, and stop polling.
        for (const clip of pending) onView(clip.index, { ...clip.view, final: true });
        return;
      }
    }
  }

  PD.follow = follow;
})();
