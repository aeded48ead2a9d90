/* Background entry point (Chromium service worker / Firefox event page): wires browser events to the service.
 *
 * Chromium loads this file alone and pulls the libraries in with importScripts; Firefox loads the
 * `background.scripts` list of manifest.json, which already ends with this file.
 */
if (typeof importScripts === 'function') {
  importScripts('src/lib/ids.js', 'src/lib/settings.js', 'src/lib/api.js', 'src/lib/states.js',
    'src/lib/queue.js', 'src/lib/follow.js', 'src/lib/finder.js', 'src/background/service.js', 'src/background/actions.js');
}

(() => {
  const ext = globalThis.browser ?? globalThis.chrome;
  const PD = globalThis.PaperDrop;
  const service = PD.createService({ ext });
  const actions = PD.createActions({ ext, service });
  // The handlers the menu and command listeners call, reachable for end-to-end tests: browsers offer no
  // way to fire chrome.commands / chrome.contextMenus events from a script.
  PD.actions = actions;
  PD.service = service;

  // Keep the token out of content scripts' reach (docs/reference.md "Browser extension"); only Chromium
  // and only some storage areas support it, and trusted-only is already the default elsewhere.
  try {
    ext.storage.local.setAccessLevel?.({ accessLevel: 'TRUSTED_CONTEXTS' })?.catch?.(() => undefined);
  } catch {
    // Not supported here: storage.local stays readable by our own content scripts only, never by pages.
  }

  ext.runtime.onMessage.addListener((message, sender, sendResponse) => {
    if (message?.type === 'outcome' && sender.tab) { // a shortcut save the page's own button made
      actions.settle(sender.tab, message.paper || {}, message.view || {});
      sendResponse({ ok: true });
      return false;
    }
    service.handle(message, sender).then(sendResponse);
    return true; // answer asynchronously
  });
  ext.runtime.onInstalled.addListener((details) => {
    actions.createMenus();
    // A first install opens the welcome page: pair with PaperDrop in one click (options/options.html).
    if (details?.reason === 'install') ext.tabs.create({ url: ext.runtime.getURL('options/options.html?welcome=1') });
  });
  ext.notifications?.onClicked.addListener((id) => actions.openLink(id));
  ext.contextMenus.onClicked.addListener((info, tab) => actions.saveLink(info, tab));
  ext.commands.onCommand.addListener((command, tab) => actions.runCommand(command, tab));
  ext.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === service.FLUSH_ALARM) service.flushQueue();
  });
  ext.storage.onChanged.addListener((changes, area) => {
    if (area === 'local' && changes[PD.queue.QUEUE_KEY]) actions.showQueueBadge(changes[PD.queue.QUEUE_KEY].newValue);
  });

  // Every start (browser start, extension reload, worker wake-up): the badge and the alarm for clips
  // that waited through it. An alarm already set is kept, so wake-ups do not postpone it.
  service.queue.entries().then((entries) => actions.showQueueBadge(entries));
  service.scheduleFlush({ replace: false });
})();
