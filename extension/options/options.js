/* Options page: server URL, token, default target; "Test connection" says what is wrong and how to fix it. */
(() => {
  const ext = globalThis.browser ?? globalThis.chrome;
  const PD = globalThis.PaperDrop;
  const FIELDS = ['serverUrl', 'token', 'defaultTarget'];
  const $ = (selector) => document.querySelector(selector);

  function values() {
    return Object.fromEntries(FIELDS.map((name) => [name, $(`#${name}`).value.trim()]));
  }

  function report(text, ok) {
    const result = $('#result');
    result.textContent = text;
    result.className = ok ? 'ok' : 'error';
  }

  function showTargets(answer) {
    $('#targets').replaceChildren(...answer.targets.map((t) => new Option(t.spec, t.spec)));
    $('#target-list').replaceChildren(...answer.targets.map((t) => {
      const li = document.createElement('li');
      li.textContent = `${t.spec}${t.spec === answer.default ? ' (server default)' : ''}: `
        + (t.reachable ? 'reachable' : `${t.message || 'unreachable'} ${t.fix || ''}`);
      return li;
    }));
  }

  async function testConnection() {
    report('Testing…', true);
    const { serverUrl, token } = values();
    const answer = await ext.runtime.sendMessage({ type: 'testConnection', serverUrl, token });
    if (!answer.ok) return report(answer.error.message, false);
    report(`Connected to PaperDrop ${answer.version}. Default target: ${answer.default}.`, true);
    return showTargets(answer);
  }

  async function save(event) {
    event.preventDefault();
    const settings = values();
    try {
      settings.serverUrl = PD.api.normalizeBaseUrl(settings.serverUrl || PD.settings.DEFAULTS.serverUrl);
    } catch (error) {
      return report(error.message, false);
    }
    await ext.storage.local.set(settings);
    $('#serverUrl').value = settings.serverUrl;
    report('Saved.', true);
    return testConnection();
  }

  async function main() {
    const settings = await PD.settings.loadSettings(ext.storage.local);
    for (const name of FIELDS) $(`#${name}`).value = settings[name] || '';
    $('#form').addEventListener('submit', save);
    $('#test').addEventListener('click', testConnection);
  }

  main().catch((error) => report(error.message, false));
})();
