/* okrsite search box: the header's combobox, over the site's search index (okrsite/site/search.py).
 *
 * The index (search.js, which assigns window.okrsiteSearchIndex) is loaded with a <script> tag the
 * first time the box is used: that works over http(s) and from file://, where fetching a local
 * JSON file is refused. No library, nothing from the internet. The words shown come from the
 * box's data-* attributes (the template), the status labels from the index: both in the site's
 * language. A count of results reads data-one for 1 and data-many for more (0 reads data-none),
 * the two forms English, German, French, Spanish and Norwegian need for counts of results.
 *
 * Chinese, Japanese and Korean put no spaces between words: a query's CJK run is found anywhere in
 * a title or name, and in body text by its pairs of characters, as the index keeps such runs.
 *
 * Keyboard (the ARIA combobox pattern with a listbox popup): Ctrl+K (⌘K on a Mac) focuses the box,
 * arrows move through the results, Enter opens one (the first when none is chosen), Escape closes
 * the list, and a second Escape clears the box (and gives the focus back to what had it before
 * Ctrl+K). Not "/": a shortcut of one character key, which no
 * reader can turn off, fires while someone types into a page (WCAG 2.1.4) and took over Firefox's
 * quick find.
 */
(function () {
  "use strict";
  var box = document.querySelector("[data-search-index]");
  if (!box || !document.createElement("p").normalize) return;
  var input = box.querySelector("input");
  var panel = box.querySelector(".search__panel");
  var list = box.querySelector("[role=listbox]");
  var status = box.querySelector("[role=status]");
  var words = box.dataset;
  var SHOWN = 10;
  var index = null, loading = false, results = [], active = -1;
  // Han, Hiragana, Katakana and Hangul: the same CJK as search.py's
  var CJK = "\\u1100-\\u11ff\\u2e80-\\u2fdf\\u3005-\\u3007\\u3021-\\u3029\\u3031-\\u3035\\u3038-\\u303c\\u3041-\\u30ff" +
    "\\u3130-\\u318f\\u31f0-\\u31ff\\u3400-\\u4dbf\\u4e00-\\u9fff\\ua960-\\ua97f\\uac00-\\ud7ff\\uf900-\\ufaff" +
    "\\uff66-\\uffdc\\u{20000}-\\u{3134f}";
  var SCRIPTS = new RegExp("[" + CJK + "]+|[^" + CJK + "]+", "gu"), IS_CJK = new RegExp("^[" + CJK + "]", "u");

  var TAKEN_APART = /[\u1100-\u11ff]+|[\u3041-\u30ff][\u3099\u309a]/g;  // search.py's _TAKEN_APART

  function fold(text) {  // as search.py's fold(), which puts together again Hangul and kana that NFD takes apart
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(TAKEN_APART, function (s) { return s.normalize("NFC"); });
  }
  // Words of letters and digits, a CJK run apart from the rest (as search.py splits them). In a
  // query, a Latin or digit part of fewer than 3 stuck to a CJK run (the A of A社, the 3 of 第3四半期)
  // is left out: the index keeps no such part, and the run alone finds what holds them both.
  function tokens(text, query) {
    var found = [];
    (fold(text).match(/[\p{L}\p{N}]+/gu) || []).forEach(function (word) {
      var parts = word.match(SCRIPTS);
      if (query && parts.length > 1) parts = parts.filter(function (part) { return IS_CJK.test(part) || part.length >= 3; });
      found.push.apply(found, parts);
    });
    return found;
  }
  function spaced(text) {  // " word word ": a token starts a word where " " + token occurs
    return " " + tokens(text).join(" ") + " ";
  }

  // ---------- the index ----------

  // Each entry with its fields as the ranking reads them, folded once.
  function prepare(data) {
    var people = data.people.map(spaced);
    var periods = data.periods.map(function (p) { return spaced(p[0] + " " + p[1]); });
    data.items = data.entries.map(function (e, n) {
      // a key result's ref, "objective/kr", as diff, check and projects write it: found as a whole
      var ref = data.kinds[e[0]] === "kr" && e[6] >= 0 ? spaced(data.entries[e[6]][1] + "/" + e[1]) : "";
      return {entry: e, n: n, title: spaced(e[2]), id: spaced(e[1]), ref: ref, period: e[4] >= 0 ? periods[e[4]] : "",
              people: (e[5] || []).map(function (p) { return people[p]; }).join(""),
              retired: e[3] >= 0 && RETIRED[data.statuses[e[3]][0]] === true};
    });
    data.vocabulary = data.words ? data.words.split(" ") : [];
    data.decoded = {};
    return data;
  }

  function load() {
    if (index || loading) return;
    loading = true;
    var script = document.createElement("script");
    script.src = box.dataset.searchIndex;
    script.onload = function () {
      if (!window.okrsiteSearchIndex) { script.onerror(); return; }
      index = prepare(window.okrsiteSearchIndex);
      update();
    };
    script.onerror = function () { loading = false; say(words.unavailable); };
    document.head.appendChild(script);
  }

  function postings(i) {  // the entries whose body holds vocabulary word i
    var known = index.decoded[i];
    if (known) return known;
    var at = 0;
    known = index.postings[i].split(" ").map(function (gap) { return (at += parseInt(gap, 36)); });
    return (index.decoded[i] = known);
  }

  // Entry number -> 3 where its body holds the token as a word, 2 where a word starts with it; a CJK
  // token's entries are those that hold each of its pairs of characters (a lone character: as a start).
  function bodyMatches(token) {
    if (!IS_CJK.test(token)) return token.length < 3 ? new Map() : wordMatches(token);
    var chars = Array.from(token), pairs = chars.length > 1 ? [] : chars;
    for (var i = 0; i + 1 < chars.length; i++) pairs.push(chars[i] + chars[i + 1]);
    return pairs.map(wordMatches).reduce(function (found, more) {
      var both = new Map();
      found.forEach(function (score, n) { if (more.has(n)) both.set(n, Math.min(score, more.get(n))); });
      return both;
    });
  }

  function wordMatches(token) {
    var found = new Map(), vocabulary = index.vocabulary, lo = 0, hi = vocabulary.length;
    while (lo < hi) {  // the first word not before the token: the prefix's words follow it
      var mid = (lo + hi) >> 1;
      if (vocabulary[mid] < token) lo = mid + 1; else hi = mid;
    }
    for (var i = lo; i < vocabulary.length && vocabulary[i].lastIndexOf(token, 0) === 0; i++) {
      var score = vocabulary[i] === token ? 3 : 2;
      postings(i).forEach(function (n) { if ((found.get(n) || 0) < score) found.set(n, score); });
    }
    return found;
  }

  // ---------- ranking ----------

  // One token against one entry: the best of its fields. A title word weighs most (the whole word,
  // then the title's first word, then any word it starts), then an id, an owner's name, text inside
  // a title word, the period ("q2 churn"), and last the body; 0 when the token is nowhere. A CJK
  // token counts as a word wherever it is in a title or name: the script has no spaces between words.
  function tokenScore(item, token, body) {
    var t = " " + token, at = item.title.indexOf(t), cjk = IS_CJK.test(token), score = 0;
    if (item.title.indexOf(t + " ") >= 0) score = 12;
    else if (at >= 0) score = at === 0 ? 11 : 10;
    else if (cjk && item.title.indexOf(token) >= 0) score = 10;
    else if (item.id.indexOf(t) >= 0) score = 8;
    else if (item.people.indexOf(cjk ? token : t) >= 0) score = 7;
    else if (token.length > 2 && item.title.indexOf(token) >= 0) score = 4;
    else if (item.period.indexOf(t) >= 0) score = 3;
    return Math.max(score, body.get(item.n) || 0);
  }

  // Between equal scores: teams and objectives before the periods, projects, pages and key results;
  // and what is still pursued before what was dropped or cancelled ("p95": the live key result first).
  var KIND_BONUS = {team: 0.6, objective: 0.5, period: 0.4, project: 0.3, page: 0.2, kr: 0.1};
  var RETIRED = {dropped: true, cancelled: true}, RETIRED_SCORE = 0.5;

  // Every entry that holds each token somewhere, best first; the whole query as the title or id,
  // or as its first words, counts most, and the current period's entries come first.
  function search(ts) {
    var whole = " " + ts.join(" "), bodies = ts.map(bodyMatches), found = [];
    index.items.forEach(function (item) {
      var e = item.entry, ref = item.ref === whole + " ", score = ref ? 40 : 0;
      for (var i = 0; i < ts.length; i++) {
        var s = tokenScore(item, ts[i], bodies[i]);
        if (!s && !ref) return;
        score += s;
      }
      if (item.title === whole + " ") score += 30;
      else if (item.title.indexOf(whole) === 0) score += 15;
      else if (ts.length > 1 && item.title.indexOf(whole) > 0) score += 8;
      if (item.id === whole + " ") score += 20;
      if (e[4] === index.default_period) score += 1;
      found.push({item: item, score: score + KIND_BONUS[index.kinds[e[0]]] - (item.retired ? RETIRED_SCORE : 0)});
    });
    found.sort(function (a, b) {
      return b.score - a.score || a.item.entry[2].length - b.item.entry[2].length || a.item.n - b.item.n;
    });
    return found.map(function (f) { return f.item.entry; });
  }

  // ---------- showing results ----------

  function link(e) {
    var kind = index.kinds[e[0]], page = index.pretty_urls ? "" : "index.html";
    var path = {period: "periods/", team: "teams/", objective: "objectives/", project: "projects/",
                page: "pages/"}[kind];
    var root = box.dataset.searchIndex.replace(/search\.js$/, "");
    if (kind === "kr") {
      var objective = index.entries[e[6]];
      return root + "objectives/" + encodeURIComponent(objective[1]) + "/" + page + "#kr-" + encodeURIComponent(e[1]);
    }
    return root + path + e[1].split("/").map(encodeURIComponent).join("/") + "/" + page;  // a free page's path
  }

  // The title, each token marked where it starts a word, a CJK token wherever it is (folding keeps
  // one character per character for most scripts; where it does not, the title is shown unmarked).
  function title(e, ts) {
    var text = e[2], folded = fold(text), span = document.createElement("span"), marks = [];
    span.className = "search__title";
    if (folded.length === text.length) {
      ts.forEach(function (token) {
        var start = IS_CJK.test(token) ? "()" : "(^|[^\\p{L}\\p{N}]|[" + CJK + "])";  // as tokens() splits
        var re = new RegExp(start + token.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "u");
        var m = re.exec(folded);
        if (m) marks.push([m.index + m[1].length, m.index + m[1].length + token.length]);
      });
      marks.sort(function (a, b) { return a[0] - b[0]; });
    }
    var at = 0;
    marks.forEach(function (m) {
      if (m[0] < at) return;
      span.appendChild(document.createTextNode(text.slice(at, m[0])));
      var mark = document.createElement("mark");
      mark.textContent = text.slice(m[0], m[1]);
      span.appendChild(mark);
      at = m[1];
    });
    span.appendChild(document.createTextNode(text.slice(at)));
    return span;
  }

  function badge(s) {  // as the theme's badge(): icon and word, coloured by the status
    var badge = document.createElement("span"), icon = document.createElement("span");
    badge.className = "badge badge--" + s[0];
    icon.className = "badge__icon";
    icon.setAttribute("aria-hidden", "true");
    icon.textContent = s[2];
    badge.appendChild(icon);
    badge.appendChild(document.createTextNode(" " + s[1]));
    return badge;
  }

  // Kind and status, then the period, and a key result's objective or the first owner.
  function meta(e) {
    var p = document.createElement("span"), kind = index.kinds[e[0]], parts = [];
    p.className = "search__meta";
    p.appendChild(document.createTextNode(words["kind" + kind[0].toUpperCase() + kind.slice(1)]));
    if (e[3] >= 0) {
      p.appendChild(document.createTextNode(" "));
      p.appendChild(badge(index.statuses[e[3]]));
    }
    if (e[4] >= 0) parts.push(index.periods[e[4]][1]);
    if (e[6] >= 0) parts.push(index.entries[e[6]][2]);
    else if (e[5] && e[5].length) parts.push(index.people[e[5][0]]);
    if (parts.length) p.appendChild(document.createTextNode(" · " + parts.join(" · ")));
    return p;
  }

  // The count goes to a live region: written only once the panel shows (a screen reader does not
  // read what changes while hidden), and only when it changes (not again on each key).
  function say(text) {
    if (status.textContent !== text) status.textContent = text;
  }

  function count(n) {
    return (n === 1 ? words.one : words.many).replace("{n}", n.toLocaleString(document.documentElement.lang || undefined));
  }

  function option(e, n, ts) {
    var item = document.createElement("li");
    item.id = list.id + "-" + n;
    item.className = "search__result";
    item.setAttribute("role", "option");
    item.setAttribute("aria-selected", "false");
    item.dataset.href = link(e);
    item.appendChild(title(e, ts));
    item.appendChild(meta(e));
    return item;
  }

  function update() {
    var query = input.value, ts = tokens(query, true);
    if (!index) {
      if (ts.length) { load(); show(true); say(words.loading); }
      return;
    }
    results = ts.length ? search(ts) : [];
    list.textContent = "";
    active = -1;
    results.slice(0, SHOWN).forEach(function (e, n) { list.appendChild(option(e, n, ts)); });
    show(ts.length > 0);
    if (!ts.length) say("");
    else if (!results.length) say(words.none);
    else if (results.length > SHOWN) say(words.first.replace("{shown}", SHOWN).replace("{all}", count(results.length)));
    else say(count(results.length));
  }

  // The panel under the box: the results (when there are any) and a line that says how many.
  function show(yes) {
    var expanded = yes && list.children.length > 0;
    panel.hidden = !yes;
    list.hidden = !expanded;
    input.setAttribute("aria-expanded", expanded ? "true" : "false");
    if (!expanded) choose(-1);
  }

  function choose(n) {
    var options = list.children;
    if (active >= 0 && options[active]) options[active].setAttribute("aria-selected", "false");
    active = n;
    if (n >= 0 && options[n]) {
      options[n].setAttribute("aria-selected", "true");
      options[n].scrollIntoView({block: "nearest"});
      input.setAttribute("aria-activedescendant", options[n].id);
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function follow(n) {
    var chosen = list.children[n];
    if (chosen) window.location.href = chosen.dataset.href;
  }

  input.addEventListener("focus", function () {
    load();
    if (tokens(input.value, true).length) show(true);
  });
  input.addEventListener("blur", function () { show(false); });
  input.addEventListener("input", update);
  input.addEventListener("keydown", function (event) {
    var n = list.children.length;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!n) return;
      event.preventDefault();
      if (panel.hidden) show(true);
      var step = event.key === "ArrowDown" ? 1 : -1;
      choose(active < 0 ? (step > 0 ? 0 : n - 1) : (active + step + n) % n);
    } else if (event.key === "Enter") {
      if (n && !panel.hidden) { event.preventDefault(); follow(active < 0 ? 0 : active); }
    } else if (event.key === "Escape") {
      event.preventDefault();
      if (!panel.hidden) show(false);
      else if (input.value) {
        input.value = "";
        update();
        if (before && document.contains(before)) before.focus();  // back where Ctrl+K was pressed
      }
    }
  });
  input.addEventListener("blur", function () { before = null; });
  panel.addEventListener("mousedown", function (event) { event.preventDefault(); });  // the box keeps the focus
  list.addEventListener("click", function (event) {
    var chosen = event.target.closest("[role=option]");
    if (chosen) follow(Array.prototype.indexOf.call(list.children, chosen));
  });
  var before = null;  // what had the focus when Ctrl+K moved it to the box: the Escape that clears the box goes back
  var mac = /Mac|iPhone|iPad/.test(navigator.platform || "");
  if (mac) box.querySelector(".search__key").textContent = "\u2318K";
  document.addEventListener("keydown", function (event) {
    if (event.key.toLowerCase() !== "k" || !(mac ? event.metaKey : event.ctrlKey)) return;
    if (event.altKey || event.shiftKey || event.defaultPrevented) return;
    event.preventDefault();
    if (document.activeElement !== input) before = document.activeElement;
    input.focus();
    input.select();
  });
  box.hidden = false;
})();
