/* The extension's settings: defaults, and reading them from storage.local (where options.js writes them). */
(() => {
  const PD = (globalThis.PaperDrop = globalThis.PaperDrop || {});

  const DEFAULTS = Object.freeze({
    serverUrl: 'http://127.0.0.1:7077', // `paperdrop serve` default (docs/design.md "Command line")
    token: '', // handed over by pairing (options) or pasted from `paperdrop token`
    defaultTarget: '', // empty: the server's default target
    paired: false, // the token was taken by the server once (pairing, or a pasted token that worked)
    unpaired: '', // `token_changed`: the server stopped taking the paired token; the extension says to pair again
    requestTimeoutMs: 10000,
    // Offline queue backoff. Chrome fires alarms at most every 30 s for packed extensions, so the base
    // is 30 s; tests set it tiny (unpacked extensions are not limited).
    retryBaseMs: 30000,
    retryMaxMs: 10 * 60 * 1000,
    // Button/popup polling of GET /clips while the server resolves and delivers.
    pollIntervalMs: 50, // grows 1.3× per poll (follow.js): quick "Saved", gentle on long retries
    pollTimeoutMs: 2 * 60 * 1000,
  });

  async function loadSettings(storage) {
    const stored = await storage.get(Object.keys(DEFAULTS));
    const settings = { ...DEFAULTS };
    for (const [name, value] of Object.entries(stored || {})) {
      if (value !== undefined && value !== null && value !== '') settings[name] = value;
    }
    return settings;
  }

  PD.settings = { DEFAULTS, loadSettings };
})();
