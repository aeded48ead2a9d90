/* Content script of the PaperDrop dashboard's pairing page only (manifest.json: http://127.0.0.1/pair and
 * http://localhost/pair, any port). After the user confirmed there, the page holds the token in a hidden
 * element (server/dashboard/pair.py); this hands it to the background, which checks it with the server and
 * keeps it, and the page says "Connected". The element is emptied at once: the token stays in the extension.
 */
(() => {
  const ext = globalThis.browser ?? globalThis.chrome;
  const holder = document.getElementById('paperdrop-pair');
  const status = document.getElementById('pair-status');
  const fallback = document.getElementById('pair-fallback');
  if (!holder || !status || !holder.dataset.token) return;
  const token = holder.dataset.token;
  delete holder.dataset.token;

  function say(text, state) {
    status.textContent = text;
    status.dataset.state = state;
    if (fallback) fallback.hidden = state === 'connected';
  }

  (async () => {
    try {
      const answer = await ext.runtime.sendMessage({ type: 'pair', token, serverUrl: location.origin });
      if (answer?.ok) say('Connected: the PaperDrop extension saves to this server now. You can close this tab.', 'connected');
      else say(`The extension could not pair: ${answer?.error?.message || 'no answer'}`, 'failed');
    } catch (error) {
      say(`The extension could not pair: ${error.message}`, 'failed');
    }
  })();
})();
