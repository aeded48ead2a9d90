/* The one client of the PaperDrop HTTP API (docs/design.md "HTTP API"); used only by the background.
 *
 * Every failure becomes a PaperDropError (an Error, never a string) whose message says what is wrong
 * and how to fix it, with `code` for the program and `transient` = worth retrying later (the offline
 * queue keeps those clips).
 */
(() => {
  const PD = (globalThis.PaperDrop = globalThis.PaperDrop || {});

  class PaperDropError extends Error {
    constructor(message, { code, status = null, transient = false, cause } = {}) {
      super(message, cause ? { cause } : undefined);
      this.name = 'PaperDropError';
      this.code = code;
      this.status = status;
      this.transient = transient;
    }
  }

  const TOKEN_FIX = 'Open the PaperDrop options and press “Pair with PaperDrop” (or paste what “paperdrop token” prints).';
  const TOKEN_CHANGED = 'PaperDrop’s token changed: pair again. Open the PaperDrop options and press “Pair with PaperDrop”.';
  // The most ids one GET /library answers (server/api/schemas.py MAX_LIBRARY_LOOKUP).
  const LIBRARY_BATCH = 200;

  function normalizeBaseUrl(value) {
    let url;
    try {
      url = new URL(String(value).trim());
    } catch (error) {
      throw new PaperDropError(`“${value}” is not an address. Use the one “paperdrop serve” prints, e.g. http://127.0.0.1:7077.`,
        { code: 'bad_url', cause: error });
    }
    if (!/^https?:$/.test(url.protocol)) {
      throw new PaperDropError(`“${value}” is not an http:// address. Use e.g. http://127.0.0.1:7077.`, { code: 'bad_url' });
    }
    return url.origin + url.pathname.replace(/\/+$/, '');
  }

  async function readJson(response) {
    try {
      return await response.json();
    } catch {
      return null;
    }
  }

  /** Map an HTTP error answer to words that fix it. `body` is the parsed JSON or null. */
  function errorFor(baseUrl, response, body) {
    const status = response.status;
    const error = body && typeof body.error === 'object' ? body.error : null;
    if (!error) {
      return new PaperDropError(`${baseUrl} answered, but it is not a PaperDrop server. `
        + 'Check the server address in the PaperDrop options (the default is http://127.0.0.1:7077).',
      { code: 'not_paperdrop', status, transient: status >= 500 });
    }
    const said = error.message ? ` (${error.message.replace(/\.$/, '')})` : '';
    if (status === 401) return new PaperDropError(`PaperDrop rejected the token. ${TOKEN_FIX}`, { code: 'unauthorized', status });
    if (error.code === 'forbidden_host') {
      return new PaperDropError(`PaperDrop refused the host name of ${baseUrl}${said}. `
        + 'Use http://127.0.0.1:<port> or http://localhost:<port> as the server URL.', { code: 'forbidden_host', status });
    }
    if (status === 403) {
      return new PaperDropError(`PaperDrop refused requests from this extension${said}.`, { code: error.code || 'forbidden', status });
    }
    if (status >= 500) {
      return new PaperDropError(`PaperDrop had a problem${said}; the extension tries again.`,
        { code: 'server_error', status, transient: true });
    }
    return new PaperDropError(refusal(error), { code: error.code || 'bad_request', status });
  }

  /** A refused request in words: the server's message, and each detail's own message (never codes or JSON). */
  function refusal(error) {
    const parts = [error.message || 'PaperDrop did not accept this.'];
    for (const detail of Array.isArray(error.details) ? error.details : []) {
      const text = typeof detail === 'string' ? detail : detail && detail.message;
      if (text && !parts.some((part) => part.includes(text))) parts.push(text);
    }
    return parts.map((part) => part.trim().replace(/([^.!?…])$/, '$1.')).join(' ');
  }

  class PaperDropClient {
    constructor({ baseUrl, token = '', fetch = globalThis.fetch.bind(globalThis), timeoutMs = 10000 }) {
      this.baseUrl = normalizeBaseUrl(baseUrl);
      this.token = String(token || '').trim();
      this.fetch = fetch;
      this.timeoutMs = timeoutMs;
    }

    async request(method, path, { body, auth = true } = {}) {
      if (auth && !this.token) throw new PaperDropError(`PaperDrop is not paired with this browser yet. ${TOKEN_FIX}`, { code: 'no_token' });
      const headers = { Accept: 'application/json' };
      if (auth) headers.Authorization = `Bearer ${this.token}`;
      if (body !== undefined) headers['Content-Type'] = 'application/json';
      let response;
      try {
        response = await this.fetch(`${this.baseUrl}/api/v1${path}`, {
          method, headers, body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(this.timeoutMs), credentials: 'omit',
        });
      } catch (error) {
        throw this.networkError(error);
      }
      const json = await readJson(response);
      if (!response.ok) throw errorFor(this.baseUrl, response, json);
      if (json === null) throw errorFor(this.baseUrl, response, null);
      return json;
    }

    networkError(error) {
      if (error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
        return new PaperDropError(`PaperDrop at ${this.baseUrl} did not answer within ${this.timeoutMs / 1000} s; it will be retried.`,
          { code: 'timeout', transient: true, cause: error });
      }
      return new PaperDropError(`PaperDrop is not running at ${this.baseUrl}. Start it with “paperdrop serve” `
        + '(or fix the server address in the PaperDrop options); saves wait in the browser until it is back.',
      { code: 'server_unreachable', transient: true, cause: error });
    }

    async health() {
      const json = await this.request('GET', '/health', { auth: false });
      if (json.app !== 'paperdrop') {
        throw new PaperDropError(`${this.baseUrl} answered, but it is not a PaperDrop server. Check the server address in the PaperDrop options.`,
          { code: 'not_paperdrop' });
      }
      return json;
    }

    /** POST /clips → one answer per paper, in order: `{id, status, paper_id, duplicate, outcome}`, or
     * `{outcome}` (kind `rejected`) for a paper the server could not use. */
    async postClips(papers, target) {
      const body = { papers };
      if (target) body.target = target;
      return (await this.request('POST', '/clips', { body })).clips;
    }

    /** GET /clips?ids= → the clips with their deliveries. */
    async getClips(ids) {
      return (await this.request('GET', `/clips?ids=${ids.map(Number).join(',')}`)).clips;
    }

    async targets() {
      return this.request('GET', '/targets');
    }

    /** GET /library?arxiv_ids= → `[{arxiv_id, paper_id, saved: [{target, label}], saving, links}]`, in
     * requests of LIBRARY_BATCH ids (one for any page of papers). */
    async library(arxivIds) {
      const found = [];
      for (let start = 0; start < arxivIds.length; start += LIBRARY_BATCH) {
        const ids = arxivIds.slice(start, start + LIBRARY_BATCH).map(encodeURIComponent).join(',');
        found.push(...(await this.request('GET', `/library?arxiv_ids=${ids}`)).papers);
      }
      return found;
    }

    /** POST /papers/<id>/retry → `{requeued}`. */
    async retry(paperId) {
      return this.request('POST', `/papers/${Number(paperId)}/retry`);
    }

    /** POST /targets/check → `{ok, spec, label, reachable, message, fix}`. */
    async checkTarget(target) {
      return this.request('POST', '/targets/check', { body: { target } });
    }

    /** Health (is it PaperDrop?) then targets (is the token right?): what "Test connection" shows. */
    async checkConnection() {
      const health = await this.health();
      const targets = await this.targets();
      return { version: health.version, queue: health.queue, ...targets };
    }
  }

  /** What crosses runtime messaging (Errors do not survive structured cloning with their fields). */
  function errorToWire(error) {
    return { message: error?.message || String(error), code: error?.code || 'internal', transient: Boolean(error?.transient) };
  }

  function errorFromWire(wire) {
    return new PaperDropError(wire?.message || 'Unknown error', { code: wire?.code, transient: wire?.transient });
  }

  PD.api = { PaperDropClient, PaperDropError, normalizeBaseUrl, errorToWire, errorFromWire, TOKEN_CHANGED, TOKEN_FIX };
})();
