"""The preview's browser side: the reload script, and how it gets into a served page.

Everything here exists only while `okrsite serve` runs. The script is added to
HTML responses as they are served; built files never contain it.

The script listens to the server's event stream (Server-Sent Events) and acts
on the newest build state it receives. The pages of one browser share one
stream, held by a shared worker (WORKER_JS): a browser opens at most six
connections to a server it speaks HTTP/1 with, so six open pages, each holding
a stream of its own, left no connection for a seventh or for their own
reloads. Where shared workers are not available a page holds its own stream,
closed before it reloads.

- errors: show an overlay listing each diagnostic; the page stays as it is;
- the page version changed (or the errors went away): reload, keeping the
  scroll position (sessionStorage, keyed by path). The stream's address names
  the open pages (`?page=`, once each): a rebuild renders them before the rest,
  and their reload comes as soon as they are ready (okrsite.commands.server);
- only the stylesheet version changed: swap each same-origin stylesheet for a
  cache-busted copy, without reloading;
- a build runs: after a moment (a build of a few pages is done before), a small
  "Updating the preview…" sign, gone when the build ends.
"""

from __future__ import annotations

import html
import re

PREFIX = "/__okrsite__/"
EVENTS_PATH = PREFIX + "events"
SCRIPT_PATH = PREFIX + "livereload.js"
WORKER_PATH = PREFIX + "livereload-worker.js"

_BODY_END = re.compile(rb"</body\s*>", re.IGNORECASE)


def script_tag(server_id: str, pages: int, styles: int) -> bytes:
    """The tag that loads the client, carrying the build state the page was served at."""
    return (f'<script src="{SCRIPT_PATH}" data-server="{html.escape(server_id)}" '
            f'data-pages="{pages}" data-styles="{styles}"></script>').encode()


def inject(page: bytes, tag: bytes) -> bytes:
    """The page with the tag before its last </body>, or at its end when it has none."""
    matches = list(_BODY_END.finditer(page))
    if not matches:
        return page + tag
    at = matches[-1].start()
    return page[:at] + tag + page[at:]


def placeholder_page() -> bytes:
    """Shown while there is no built site yet: the overlay then explains why."""
    return (b'<!doctype html><html lang="en"><head><meta charset="utf-8">'
            b'<meta name="color-scheme" content="light dark"><title>okrsite preview</title></head>'
            b'<body><p id="okrsite-unbuilt">The site has not been built yet. Fix the problems listed and it will '
            b'appear here by itself.</p></body></html>')


CLIENT_JS = r"""
(function () {
  "use strict";
  var me = document.currentScript;
  var seen = {server: me.dataset.server, pages: +me.dataset.pages, styles: +me.dataset.styles};
  var scrollKey = "okrsite:scroll:" + location.pathname;
  var overlayShown = false;

  try {
    var saved = sessionStorage.getItem(scrollKey);
    if (saved !== null) {
      sessionStorage.removeItem(scrollKey);
      var xy = JSON.parse(saved);
      var restore = function () { window.scrollTo(xy[0], xy[1]); };
      if (document.readyState === "complete") { restore(); } else { window.addEventListener("load", restore); }
    }
  } catch (e) { /* storage may be disabled: then the page opens at the top */ }

  function reload() {
    try { sessionStorage.setItem(scrollKey, JSON.stringify([window.scrollX, window.scrollY])); } catch (e) {}
    if (stop) { stop(); stop = null; }  // its connection is free for the reload
    location.reload();
  }

  function swapStylesheets(version) {
    var links = document.querySelectorAll('link[rel~="stylesheet"]');
    Array.prototype.forEach.call(links, function (link) {
      var url = new URL(link.href, location.href);
      if (url.origin !== location.origin) { return; }
      url.searchParams.set("okrsite-reload", String(version));
      var fresh = link.cloneNode(false);
      fresh.href = url.href;
      // Keep the old sheet until the new one is in, so the page never flashes unstyled.
      fresh.onload = fresh.onerror = function () { link.remove(); };
      link.after(fresh);
    });
  }

  var CSS = [
    ":host{all:initial}",
    ".box{position:fixed;inset:0;z-index:2147483647;overflow:auto;padding:2rem;box-sizing:border-box;",
    "background:rgba(255,255,255,.98);color:#1a1a1a;font:15px/1.5 system-ui,sans-serif}",
    "h2{margin:0 0 .25rem;font-size:1.2rem;color:#b00020}",
    "p{margin:0 0 1rem}",
    "ul{margin:0;padding:0;list-style:none}",
    "li{margin:0 0 .75rem;padding:.5rem .75rem;border-left:4px solid #b00020;background:rgba(176,0,32,.06);",
    "white-space:pre-wrap;overflow-wrap:anywhere}",
    "li.warning{border-color:#8a5a00;background:rgba(138,90,0,.08)}",
    "code{font:13px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-weight:600}",
    "button{float:right;font:inherit;padding:.25rem .75rem;cursor:pointer}",
    "@media (prefers-color-scheme: dark){",
    ".box{background:rgba(24,24,27,.98);color:#f1f1f1}",
    "h2{color:#ff8a80}",
    "li{border-color:#ff8a80;background:rgba(255,138,128,.10)}",
    "li.warning{border-color:#ffcc80;background:rgba(255,204,128,.10)}}"
  ].join("");

  var BUSY_AFTER_MS = 400;
  var BUSY_CSS = [
    ":host{all:initial}",
    "p{position:fixed;right:1rem;bottom:1rem;z-index:2147483647;margin:0;padding:.35rem .8rem;border-radius:1rem;",
    "background:#1a1a1a;color:#fff;font:13px/1.4 system-ui,sans-serif;box-shadow:0 1px 4px rgba(0,0,0,.3)}",
    "@media (prefers-color-scheme: dark){p{background:#f1f1f1;color:#111}}"
  ].join("");

  function hideErrors() {
    var host = document.getElementById("okrsite-error-overlay");
    if (host) { host.remove(); }
  }

  // An element of the preview's own on the page, its style kept apart from the site's.
  function shadowHost(id, css) {
    var host = document.createElement("div");
    host.id = id;
    var root = host.attachShadow({mode: "open"});
    var style = document.createElement("style");
    style.textContent = css;
    root.appendChild(style);
    document.documentElement.appendChild(host);
    return root;
  }

  function showErrors(errors) {
    hideErrors();
    var box = document.createElement("div");
    box.className = "box";
    box.setAttribute("role", "alertdialog");
    box.setAttribute("aria-labelledby", "title");
    var close = document.createElement("button");
    close.type = "button";
    close.textContent = "Hide";
    close.addEventListener("click", hideErrors);
    var title = document.createElement("h2");
    title.id = "title";
    var count = errors.filter(function (d) { return d.severity === "error"; }).length;
    title.textContent = "okrsite: the build failed (" + count + (count === 1 ? " error)" : " errors)");
    var note = document.createElement("p");
    note.textContent = (document.getElementById("okrsite-unbuilt") ? "The site has not been built yet. " :
      "This page shows the last good build. ") + "Fix the problems below and save: the page reloads by itself.";
    var list = document.createElement("ul");
    var first = errors.filter(function (d) { return d.severity === "error"; });  // what failed the build, first
    first.concat(errors.filter(function (d) { return d.severity !== "error"; })).forEach(function (d) {
      var item = document.createElement("li");
      item.className = d.severity;
      var where = document.createElement("code");
      where.textContent = d.path + ":" + d.line + ":" + d.col;
      item.appendChild(where);
      item.appendChild(document.createTextNode(": " + d.severity + ": " + d.message + (d.rule ? " [" + d.rule + "]" : "")));
      list.appendChild(item);
    });
    box.append(close, title, note, list);
    shadowHost("okrsite-error-overlay", CSS).appendChild(box);
    overlayShown = true;
  }

  // A sign that the preview is rebuilding, once a build has taken longer than a blink.
  var busyTimer = null;
  function showBusy() {
    var sign = document.createElement("p");
    sign.setAttribute("role", "status");
    sign.textContent = "Updating the preview\u2026";
    shadowHost("okrsite-busy", BUSY_CSS).appendChild(sign);
  }
  function busy(on) {
    var shown = document.getElementById("okrsite-busy");
    if (!on) {
      clearTimeout(busyTimer);
      busyTimer = null;
      if (shown) { shown.remove(); }
    } else if (!shown && busyTimer === null) {
      busyTimer = setTimeout(function () { busyTimer = null; showBusy(); }, BUSY_AFTER_MS);
    }
  }

  function onState(state) {
    busy(state.building);
    // A build starting says nothing new of the pages: the errors shown (or hidden) stay as they are.
    if (state.building && state.server === seen.server && state.pages === seen.pages) { return; }
    if (state.errors.length) { showErrors(state.errors); return; }
    if (overlayShown || state.server !== seen.server || state.pages !== seen.pages) { reload(); return; }
    if (state.styles !== seen.styles) {
      seen.styles = state.styles;
      swapStylesheets(state.styles);
    }
  }

  // The page names itself: the preview renders the open pages first when it rebuilds.
  function listen() {
    if (window.SharedWorker) {
      try {
        var worker = new SharedWorker("__WORKER__", {name: "okrsite-preview"});
        worker.port.onmessage = function (event) { onState(event.data); };
        worker.port.start();
        worker.port.postMessage({page: location.pathname});
        return function () { worker.port.postMessage({gone: true}); worker.port.close(); };
      } catch (e) { /* shared workers refused here: a stream of its own */ }
    }
    var source = new EventSource("__EVENTS__?page=" + encodeURIComponent(location.pathname));
    source.onmessage = function (event) { onState(JSON.parse(event.data)); };
    return function () { source.close(); };
  }
  var stop = listen();
  // Leave no connection open behind a page that is gone; a page restored by Back connects again.
  window.addEventListener("pagehide", function () { if (stop) { stop(); stop = null; } });
  window.addEventListener("pageshow", function (event) { if (event.persisted && !stop) { stop = listen(); } });
})();
""".replace("__EVENTS__", EVENTS_PATH).replace("__WORKER__", WORKER_PATH).encode()

# One stream for all the preview's pages in a browser: each page's port says which page it is, and
# the stream is opened again (batched) when the set of open pages changes; every state it brings
# goes to every page.
WORKER_JS = r"""
"use strict";
var pages = new Map();  // a page's port -> its path
var source = null;
var timer = null;

function connect() {
  timer = null;
  if (source) { source.close(); source = null; }
  if (!pages.size) { return; }
  var named = Array.from(new Set(pages.values()), function (page) { return "page=" + encodeURIComponent(page); });
  source = new EventSource("__EVENTS__?" + named.join("&"));
  source.onmessage = function (event) {
    var state = JSON.parse(event.data);
    pages.forEach(function (page, port) { port.postMessage(state); });
  };
}

onconnect = function (event) {
  var port = event.ports[0];
  port.onmessage = function (message) {
    if (message.data.gone) { pages.delete(port); } else { pages.set(port, message.data.page); }
    if (timer === null) { timer = setTimeout(connect, 25); }
  };
  port.start();
};
""".replace("__EVENTS__", EVENTS_PATH).encode()
