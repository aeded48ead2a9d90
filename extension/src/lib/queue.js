/* The offline queue: clips that could not reach the server wait in storage.local until they can.
 *
 * Entries survive extension restarts (storage.local) and are re-sent in order with exponential backoff.
 * A re-send after a crash between "sent" and "removed" is harmless: the server's clip intake is idempotent
 * (docs/design.md "HTTP API"). Once sent, an entry's clip ids are kept under `sent` so the page that queued it
 * can follow the clips to "Saved".
 */
(() => {
  const PD = (globalThis.PaperDrop = globalThis.PaperDrop || {});

  const QUEUE_KEY = 'queue';
  const SENT_KEY = 'sent';
  const MAX_SENT = 200; // enough for any page still watching; older ones are forgotten
  // The server refused these papers themselves (bad input, too large): re-sending cannot help. Anything
  // else (server away, wrong token, wrong URL) is fixed outside the entry, so it stays queued.
  const REJECTED_STATUSES = [400, 413, 422];

  /** Serializes read-modify-write of storage so concurrent saves and flushes lose nothing. */
  function createLock() {
    let chain = Promise.resolve();
    return (fn) => {
      const run = chain.then(fn, fn);
      chain = run.catch(() => undefined);
      return run;
    };
  }

  function nextDelayMs(attempts, baseMs, maxMs) {
    return Math.min(maxMs, baseMs * 2 ** Math.min(attempts, 20));
  }

  function newKey() {
    return globalThis.crypto?.randomUUID?.() || `${Date.now()}-${Math.random().toString(16).slice(2)}`;
  }

  function createQueue(storage, { now = () => Date.now() } = {}) {
    const locked = createLock();
    const read = async (key, fallback) => (await storage.get(key))[key] ?? fallback;

    const entries = () => read(QUEUE_KEY, []);

    const enqueue = (papers, target, reason) => locked(async () => {
      const entry = { key: newKey(), papers, target: target || null, queuedAt: now(), attempts: 0, lastError: reason || null };
      await storage.set({ [QUEUE_KEY]: [...(await entries()), entry] });
      return entry;
    });

    const markSent = (key, result) => locked(async () => {
      const queue = (await entries()).filter((entry) => entry.key !== key);
      const sent = { ...(await read(SENT_KEY, {})), [key]: result };
      const keys = Object.keys(sent);
      for (const old of keys.slice(0, Math.max(0, keys.length - MAX_SENT))) delete sent[old];
      await storage.set({ [QUEUE_KEY]: queue, [SENT_KEY]: sent });
    });

    const markFailedAttempt = (key, error) => locked(async () => {
      const queue = (await entries()).map((entry) => (entry.key === key
        ? { ...entry, attempts: entry.attempts + 1, lastError: error.message } : entry));
      await storage.set({ [QUEUE_KEY]: queue });
    });

    /** Where the clips of a queued entry stand: still queued, sent (clip ids), or unknown. */
    async function lookup(key) {
      const waiting = (await entries()).find((entry) => entry.key === key);
      if (waiting) return { queued: true, attempts: waiting.attempts, lastError: waiting.lastError };
      const sent = (await read(SENT_KEY, {}))[key];
      return sent ? { queued: false, ...sent } : null;
    }

    /**
     * Send every entry, oldest first, with `post(papers, target)`. Stops at the first failure that is not
     * about the papers (server away, wrong token); a refusal of the papers themselves is recorded as the
     * entry's result so it does not block the rest.
     */
    async function flush(post) {
      let sentCount = 0;
      for (const entry of await entries()) {
        try {
          const clips = await post(entry.papers, entry.target);
          await markSent(entry.key, { clips: clips.map((c) => ({ id: c.id, outcome: c.outcome })) });
          sentCount += 1;
        } catch (error) {
          if (!REJECTED_STATUSES.includes(error.status)) {
            await markFailedAttempt(entry.key, error);
            return { sent: sentCount, remaining: (await entries()).length, error };
          }
          await markSent(entry.key, { error: { message: error.message, code: error.code } });
        }
      }
      return { sent: sentCount, remaining: (await entries()).length, error: null };
    }

    return { entries, enqueue, lookup, flush };
  }

  PD.queue = { createQueue, nextDelayMs, QUEUE_KEY };
})();
