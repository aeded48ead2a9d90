/* Options (and, with ?welcome=1, the welcome page opened on install): pair with PaperDrop in one click, or
 * paste the token; the default target, checked with the server before it is kept. */
(() => {
  const ext = globalThis.browser ?? globalThis.chrome;
  const PD = globalThis.PaperDrop;
  const FIELDS = ['serverUrl', 'token', 'defaultTarget'];
  const $ = (selector) => document.querySelector(selector);

  function values() {
    return Object.fromEntries(FIELDS.map((name) => [name, $(`#${name}`).value.trim()]));
  }

  /** The connection note: a sentence, and on a problem the fix on its own line. */
  function report(text, tone, fix) {
    const result = $('#result');
    result.hidden = !text;
    result.dataset.tone = tone;
    result.replaceChildren(document.createTextNode(text));
    if (fix) {
      const line = document.createElement('span');
      line.className = 'fix';
      line.textContent = fix;
      result.append(line);
    }
  }

  function connected(yes, text) {
    const pill = $('#connection');
    pill.dataset.state = yes ? 'ok' : 'bad';
    pill.textContent = text;
  }

  function showTargets(answer) {
    $('#targets').replaceChildren(...answer.targets.map((t) => new Option(t.label || t.spec, t.name && t.name !== 'default' ? t.name : t.spec)));
    $('#targets-card').hidden = answer.targets.length === 0;
    $('#target-list').replaceChildren(...answer.targets.map((t) => {
      const li = document.createElement('li');
      const name = document.createElement('strong');
      name.textContent = `${t.label || PD.states.targetLabel(t.spec)}${t.name && t.name !== 'default' ? ` · ${t.name}` : ''}`;
      const state = document.createElement('span');
      state.className = 'chip';
      state.dataset.state = t.reachable ? 'saved' : 'setup';
      state.textContent = t.default ? (t.reachable ? 'Default · ready' : 'Default · needs setup') : (t.reachable ? 'Ready' : 'Needs setup');
      const where = document.createElement('span');
      where.className = 'where';
      where.textContent = t.location || t.spec;
      li.append(name, state, where);
      if (!t.reachable) {
        const fix = document.createElement('span');
        fix.className = 'fix';
        fix.textContent = [t.message, t.fix].filter(Boolean).join(' ');
        li.append(fix);
      }
      return li;
    }));
  }

  async function testConnection() {
    report('Checking…', 'wait');
    const { serverUrl, token } = values();
    const answer = await ext.runtime.sendMessage({ type: 'testConnection', serverUrl, token });
    if (!answer.ok) {
      connected(false, 'Not connected');
      report(answer.error.message, 'bad');
      return false;
    }
    connected(true, `Connected · PaperDrop ${answer.version}`);
    const fallback = answer.targets.find((t) => t.default);
    report(`Connected to PaperDrop ${answer.version}. Papers go to ${fallback?.label || answer.default} unless you choose another target.`, 'ok');
    showTargets(answer);
    return true;
  }

  function targetProblem(text, fix) {
    const box = $('#defaultTarget-problem');
    box.hidden = !text;
    $('#defaultTarget').setAttribute('aria-invalid', String(Boolean(text)));
    box.replaceChildren(document.createTextNode(text || ''));
    if (fix) {
      const line = document.createElement('span');
      line.className = 'fix';
      line.textContent = fix;
      box.append(line);
    }
  }

  /** Keep the settings once the server agrees the target is usable; else say exactly what is wrong. */
  async function save(event) {
    event.preventDefault();
    const settings = values();
    $('#saved').textContent = '';
    try {
      settings.serverUrl = PD.api.normalizeBaseUrl(settings.serverUrl || PD.settings.DEFAULTS.serverUrl);
    } catch (error) {
      $('#manual').open = true;
      return report(error.message, 'bad');
    }
    targetProblem('');
    if (settings.defaultTarget) {
      const answer = await ext.runtime.sendMessage({ type: 'checkTarget', target: settings.defaultTarget, serverUrl: settings.serverUrl, token: settings.token });
      if (!answer.ok) return targetProblem(`This target could not be checked: ${answer.error.message}`);
      if (!answer.check.ok) return targetProblem(answer.check.message, answer.check.fix);
      if (!answer.check.reachable) targetProblem(`Kept. ${answer.check.message}`, answer.check.fix);
    }
    const stored = await ext.storage.local.get(['token']);
    if (stored.token !== settings.token) Object.assign(settings, { paired: false, unpaired: '' }); // a pasted token
    await ext.storage.local.set(settings);
    $('#serverUrl').value = settings.serverUrl;
    $('#saved').textContent = 'Saved.';
    // A token the server took counts as paired: if it changes later, the extension says to pair again.
    if (await testConnection()) await ext.storage.local.set({ paired: true, unpaired: '' });
    return undefined;
  }

  /** "Pair with PaperDrop": the dashboard's pairing page, where a click hands the token over (pair.js). */
  async function pair() {
    let base;
    try {
      base = PD.api.normalizeBaseUrl(values().serverUrl || PD.settings.DEFAULTS.serverUrl);
    } catch (error) {
      $('#manual').open = true;
      return report(error.message, 'bad');
    }
    await ext.storage.local.set({ serverUrl: base });
    report('Sign in on the PaperDrop page that opened and confirm; this page says Connected when it is done.', 'wait');
    return ext.tabs.create({ url: `${base}/pair` });
  }

  async function showPaired() {
    const settings = await PD.settings.loadSettings(ext.storage.local);
    for (const name of FIELDS) $(`#${name}`).value = settings[name] || '';
    $('#dashboard').href = `${settings.serverUrl}/`;
    if (settings.unpaired === 'token_changed') {
      connected(false, 'Not connected');
      report(PD.api.TOKEN_CHANGED, 'bad');
    }
    return settings;
  }

  async function main() {
    $('#welcome').hidden = !new URLSearchParams(location.search).has('welcome');
    const settings = await showPaired();
    $('#form').addEventListener('submit', save);
    $('#test').addEventListener('click', testConnection);
    $('#pair').addEventListener('click', pair);
    ext.storage.onChanged.addListener((changes, area) => {
      if (area !== 'local' || !(changes.paired || changes.token)) return;
      showPaired().then((now) => {
        if (now.paired && changes.paired?.newValue) {
          connected(true, 'Connected');
          report('Connected: this browser is paired with PaperDrop.', 'ok');
          testConnection();
        }
      });
    });
    if (settings.token) testConnection();
  }

  main().catch((error) => report(error.message, 'bad'));
})();
