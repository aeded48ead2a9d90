// PaperDrop dashboard: copy-to-clipboard buttons and the live import progress. No inline script (the pages'
// Content-Security-Policy allows only this file), and text from the server is set with textContent, never HTML.
"use strict";

function copyFrom(button) {
  const source = document.getElementById(button.dataset.copyFrom);
  const status = button.parentElement.querySelector(".copy-status");
  const say = (text) => { if (status) status.textContent = text; };
  const text = source ? source.textContent : "";
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(text).then(() => say("Copied."), () => say("Could not copy; select the text instead."));
    return;
  }
  const range = document.createRange();
  range.selectNodeContents(source);
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
  say(document.execCommand("copy") ? "Copied." : "Selected: press Ctrl+C to copy.");
}

function renderRow(row, result) {
  const cell = row.querySelector(".paper-cell");
  const label = result.title || result.arxiv_id || "—";
  cell.textContent = "";
  if (result.link) {
    const a = document.createElement("a");
    a.href = result.link;
    a.textContent = label;
    cell.appendChild(a);
  } else {
    cell.textContent = label;
  }
  const badge = document.createElement("span");
  badge.className = "state state-" + result.outcome.kind;
  badge.textContent = result.outcome_text;
  row.querySelector(".outcome").replaceChildren(badge);
  row.querySelector(".detail").textContent = result.detail || "";
}

function renderProgress(box, data) {
  document.getElementById("settled").textContent = data.settled;
  document.getElementById("total").textContent = data.total;
  const bar = document.getElementById("progress-bar");
  bar.max = data.total || 1;
  bar.value = data.settled;
  for (const result of data.results) {
    const row = box.querySelector('tr[data-clip-id="' + Number(result.clip_id) + '"]');
    if (row) renderRow(row, result);
  }
  document.title = "Import progress (" + data.settled + "/" + data.total + ") · PaperDrop";
  if (data.done) {
    box.dataset.done = "true";
    const parts = Object.entries(data.counts).map(([k, n]) => n + " " + k.replace("_", " "));
    document.getElementById("status").textContent = "Done: " + parts.join(", ") + ".";
    document.getElementById("next-steps").hidden = false;
  }
}

function pollProgress(box) {
  const every = Number(box.dataset.pollMs) || 1000;
  const tick = () => {
    fetch(box.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((response) => {
        if (!response.ok) throw new Error("The server answered " + response.status + ".");
        return response.json();
      })
      .then((data) => {
        renderProgress(box, data);
        if (!data.done) setTimeout(tick, every);
      })
      .catch((error) => {
        document.getElementById("status").textContent = "Progress stopped updating: " + error.message + " Reload the page.";
      });
  };
  if (box.dataset.done !== "true") setTimeout(tick, every);
}

document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("button[data-copy-from]")) {
    button.addEventListener("click", () => copyFrom(button));
  }
  const box = document.getElementById("progress");
  if (box) pollProgress(box);
});
