/* The background's work: every backend call, the offline queue, and the answers to runtime messages.
 *
 * Content scripts and extension pages only send messages; this is the one place that knows the token
 * (docs/reference.md "Browser extension": page-context fetches to 127.0.0.1 are blocked anyway).
 */
(() => {
  const PD = globalThis.PaperDrop;
  const { PaperDropClient, PaperDropError, errorToWire } = PD.api;

  const FLUSH_ALARM = 'paperdrop-flush';
  const RECENT_TARGETS = 5;
  // The dashboard's pairing page (server/dashboard/pair.py), the only page that may hand over a token.
  const PAIR_PAGE = /^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?\/pair(\?.*)?$/;

  function createService({ ext, storage = ext.storage.local }) {
    const queue = PD.queue.createQueue(storage);
    let flushing = null;

    const tokenChanged = () => new PaperDropError(PD.api.TOKEN_CHANGED, { code: 'token_changed' });

    /** The API client with the stored settings (or `overrides`, typed in the options but not saved). A paired
     * token the server no longer takes (`paperdrop token --rotate`) un-pairs the extension: the token is
     * dropped and every answer says to pair again, until it is. */
    async function client(overrides = {}) {
      const settings = { ...(await PD.settings.loadSettings(storage)), ...overrides };
      const api = new PaperDropClient({ baseUrl: settings.serverUrl, token: settings.token, timeoutMs: settings.requestTimeoutMs });
      const request = api.request.bind(api);
      api.request = async (method, path, options = {}) => {
        const auth = options.auth !== false;
        if (auth && !api.token && settings.unpaired === 'token_changed') throw tokenChanged();
        try {
          return await request(method, path, options);
        } catch (error) {
          if (auth && error.code === 'unauthorized' && settings.paired && !overrides.token) {
            await storage.set({ token: '', paired: false, unpaired: 'token_changed' });
            throw tokenChanged();
          }
          throw error;
        }
      };
      return { settings, api };
    }

    async function remember(target) {
      if (!target) return;
      const { recentTargets = [] } = await storage.get('recentTargets');
      await storage.set({ recentTargets: [target, ...recentTargets.filter((t) => t !== target)].slice(0, RECENT_TARGETS) });
    }

    const pollOptions = (settings) => ({ intervalMs: settings.pollIntervalMs, timeoutMs: settings.pollTimeoutMs });

    /** POST the papers now; when the server is away, queue them. Answers what the button should show. */
    async function save({ papers, target }) {
      const { settings, api } = await client();
      const chosen = target || settings.defaultTarget || undefined;
      try {
        const clips = await api.postClips(papers, chosen);
        flushQueue(); // the server is up: send anything that waited for it
        if (target) await remember(target);
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

    /** Which of a page's papers the library has, and where (one GET /library for the page). */
    async function library({ arxivIds }) {
      const { api } = await client();
      const ids = [...new Set((arxivIds || []).map(String))];
      return { ok: true, papers: ids.length ? await api.library(ids) : [] };
    }

    /** Retry a failed delivery; answers like a save, so buttons follow the clip again. */
    async function retry({ paperId, clipId }) {
      const { settings, api } = await client();
      await api.retry(paperId);
      const clips = await api.getClips([clipId]);
      return { ok: true, clips, poll: pollOptions(settings) };
    }

    /** Targets to choose from: the server's default and named ones and those used before, then this
     * browser's recent choices the server does not list; each `{spec, label, location, name?, default?}`. */
    async function targets() {
      const { api } = await client();
      return { ok: true, ...(await choicesFrom(await api.targets())) };
    }

    async function choicesFrom(answer) {
      const stored = await storage.get('recentTargets');
      const recent = stored.recentTargets || [];
      // What a save names: a named target by its name (the API takes any named target, a spec only in the
      // places it allows), every other one by its spec.
      const valueOf = (t) => (t.name && t.name !== 'default' ? t.name : t.spec);
      const listed = answer.targets.map((t) => ({ ...t, value: valueOf(t) }))
        .filter((t) => t.needed || t.default || t.reachable || recent.includes(t.value)); // not a mistyped one
      const known = new Set(listed.map((t) => t.value));
      const extra = recent.filter((value) => !known.has(value)).map((value) => ({
        spec: value, value, label: PD.states.targetLabel(value), location: value.slice(value.indexOf(':') + 1), recent: true,
      }));
      // The Zotero library's collections (GET /targets `collections`) that no target above names yet.
      const specs = new Set([...listed.map((t) => t.spec), ...extra.map((t) => t.spec)]);
      const collections = (answer.collections || []).filter((c) => !specs.has(c.spec))
        .map((c) => ({ ...c, value: c.spec, kind: 'zotero', reachable: true, collection: true }));
      const order = (t) => (t.default ? 0 : t.name ? 1 : recent.includes(t.value) ? 2 : t.collection ? 4 : 3);
      const all = [...listed.map((t) => ({ ...t, recent: recent.includes(t.value) })), ...extra, ...collections];
      all.sort((a, b) => order(a) - order(b));
      return { default: answer.default, targets: all };
    }

    /** The token handed over by the dashboard's pairing page: checked against the server, then kept. */
    async function pair({ token, serverUrl }, sender) {
      const page = String(sender.url || '');
      if (!sender.tab || !PAIR_PAGE.test(page) || new URL(page).origin !== serverUrl) {
        throw new PaperDropError('Only the PaperDrop pairing page may pair the extension.', { code: 'forbidden_sender' });
      }
      const { api } = await client({ serverUrl, token });
      const found = await api.checkConnection();
      await storage.set({ serverUrl: api.baseUrl, token: api.token, paired: true, unpaired: '' });
      return { ok: true, version: found.version };
    }

    /** Options: is this target usable, before it is kept as the default? */
    async function checkTarget({ target, serverUrl, token }) {
      const { api } = await client(token ? { serverUrl, token } : {});
      return { ok: true, check: await api.checkTarget(target) };
    }

    async function openOptions() {
      await ext.runtime.openOptionsPage();
      return { ok: true };
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
        const choices = await choicesFrom(found);
        return { ok: true, connected: true, serverUrl: api.baseUrl, dashboardUrl: `${api.baseUrl}/`,
          defaultTarget: settings.defaultTarget || found.default, ...found, targets: choices.targets, waiting };
      } catch (error) {
        const { settings } = await client();
        return { ok: true, connected: false, error: errorToWire(error), waiting, dashboardUrl: `${settings.serverUrl}/` };
      }
    }

    /** Options page "Test connection" with the values typed, before they are saved. */
    async function testConnection({ serverUrl, token }) {
      const { api } = await client({ serverUrl, token });
      return { ok: true, ...(await api.checkConnection()) };
    }

    const handlers = { save, clipStates, lookup, library, retry, targets, pair, checkTarget, openOptions, status, flushQueue,
      testConnection };
    const PAGE_ONLY = new Set(['testConnection', 'status', 'flushQueue', 'checkTarget']); // not for content scripts

    /** Dispatch one runtime message; always resolves to `{ok: true, ...}` or `{ok: false, error}`. */
    async function handle(message, sender = {}) {
      const handler = Object.hasOwn(handlers, message?.type) ? handlers[message.type] : null;
      try {
        if (!handler) throw new PaperDropError(`Unknown message ${message?.type}`, { code: 'bad_message' });
        const fromExtensionPage = !sender.tab || String(sender.url || '').startsWith(ext.runtime.getURL(''));
        if (PAGE_ONLY.has(message.type) && !fromExtensionPage) {
          throw new PaperDropError(`${message.type} is only for extension pages`, { code: 'forbidden_sender' });
        }
        const result = await handler(message, sender);
        return result && result.ok !== undefined ? result : { ok: true, ...result };
      } catch (error) {
        return { ok: false, error: errorToWire(error) };
      }
    }

    return { handle, save, flushQueue, scheduleFlush, queue, FLUSH_ALARM, pollOptions: async () => pollOptions((await client()).settings) };
  }

  PD.createService = createService;
})();
