/* The background's work: every backend call, the offline queue, and the answers to runtime messages.
 *
 * Content scripts and extension pages only send messages; this is the one place that knows the token
 * (docs/reference.md "Browser extension": page-context fetches to 127.0.0.1 are blocked anyway).
 */
(() => {
  const PD = globalThis.PaperDrop;
  const { PaperDropClient, PaperDropError, errorToWire } = PD.api;

  const FLUSH_ALARM = 'paperdrop-flush';

  function createService({ ext, storage = ext.storage.local }) {
    const queue = PD.queue.createQueue(storage);
    let flushing = null;

    async function client(overrides = {}) {
      const settings = { ...(await PD.settings.loadSettings(storage)), ...overrides };
      return { settings, api: new PaperDropClient({ baseUrl: settings.serverUrl, token: settings.token, timeoutMs: settings.requestTimeoutMs }) };
    }

    const pollOptions = (settings) => ({ intervalMs: settings.pollIntervalMs, timeoutMs: settings.pollTimeoutMs });

    /** POST the papers now; when the server is away, queue them. Answers what the button should show. */
    async function save({ papers, target }) {
      const { settings, api } = await client();
      const chosen = target || settings.defaultTarget || undefined;
      try {
        const clips = await api.postClips(papers, chosen);
        flushQueue(); // the server is up: send anything that waited for it
        return { ok: true, clips, poll: pollOptions(settings) };
      } catch (error) {
        if (!error.transient) throw error;
        const entry = await queue.enqueue(papers, chosen, error.message);
        await scheduleFlush();
        return { ok: true, queued: true, key: entry.key, reason: error.message, poll: pollOptions(settings) };
      }
    }

    /** Views of clips for buttons and the popup: `[{id}]` → `{views: {id: view}}`, from the server's outcomes. */
    async function clipStates({ clips }) {
      const { settings, api } = await client();
      const found = await api.getClips(clips.map((c) => c.id));
      const views = {};
      for (const clip of found) views[clip.id] = PD.states.clipView(clip);
      return { ok: true, views, poll: pollOptions(settings) };
    }

    async function lookup({ key }) {
      const found = await queue.lookup(key);
      if (!found) throw new PaperDropError('This clip is no longer tracked by the extension; see the PaperDrop dashboard.', { code: 'unknown_clip' });
      if (found.error) throw new PaperDropError(found.error.message, { code: found.error.code });
      return { ok: true, ...found };
    }

    /** Send the queue now (one flush at a time), then plan the next try for what is left. */
    function flushQueue() {
      if (!flushing) {
        flushing = (async () => {
          try {
            const { api } = await client();
            const result = await queue.flush((papers, target) => api.postClips(papers, target));
            return { ...result, error: result.error && errorToWire(result.error) };
          } catch (error) {
            return { sent: 0, error: errorToWire(error) };
          } finally {
            flushing = null;
            await scheduleFlush();
          }
        })();
      }
      return flushing;
    }

    /** One alarm for the oldest entry's backoff; kept if already set so wake-ups do not postpone it. */
    async function scheduleFlush({ replace = true } = {}) {
      const entries = await queue.entries();
      if (entries.length === 0) return ext.alarms.clear(FLUSH_ALARM);
      if (!replace && (await ext.alarms.get(FLUSH_ALARM))) return undefined;
      const { settings } = await client();
      const delay = PD.queue.nextDelayMs(entries[0].attempts, settings.retryBaseMs, settings.retryMaxMs);
      return ext.alarms.create(FLUSH_ALARM, { when: Date.now() + delay });
    }

    /** The popup's header: connection state, targets and how many clips wait. */
    async function status() {
      const waiting = (await queue.entries()).length;
      try {
        const { settings, api } = await client();
        const found = await api.checkConnection();
        if (waiting) flushQueue(); // the server answers: do not make queued clips wait for the alarm
        return { ok: true, connected: true, serverUrl: api.baseUrl, defaultTarget: settings.defaultTarget || found.default, ...found, waiting };
      } catch (error) {
        return { ok: true, connected: false, error: errorToWire(error), waiting };
      }
    }

    /** Options page "Test connection" with the values typed, before they are saved. */
    async function testConnection({ serverUrl, token }) {
      const { api } = await client({ serverUrl, token });
      return { ok: true, ...(await api.checkConnection()) };
    }

    const handlers = { save, clipStates, lookup, status, flushQueue, testConnection };
    const PAGE_ONLY = new Set(['testConnection', 'status', 'flushQueue']); // not for content scripts

    /** Dispatch one runtime message; always resolves to `{ok: true, ...}` or `{ok: false, error}`. */
    async function handle(message, sender = {}) {
      const handler = Object.hasOwn(handlers, message?.type) ? handlers[message.type] : null;
      try {
        if (!handler) throw new PaperDropError(`Unknown message ${message?.type}`, { code: 'bad_message' });
        const fromExtensionPage = !sender.tab || String(sender.url || '').startsWith(ext.runtime.getURL(''));
        if (PAGE_ONLY.has(message.type) && !fromExtensionPage) {
          throw new PaperDropError(`${message.type} is only for extension pages`, { code: 'forbidden_sender' });
        }
        const result = await handler(message);
        return result && result.ok !== undefined ? result : { ok: true, ...result };
      } catch (error) {
        return { ok: false, error: errorToWire(error) };
      }
    }

    return { handle, save, flushQueue, scheduleFlush, queue, FLUSH_ALARM };
  }

  PD.createService = createService;
})();
