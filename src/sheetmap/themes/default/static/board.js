/* sheetmap: the board's filters. Without JavaScript every card is visible; with it, filtering is
   instant, the filter state lives in the URL (?q=&theme=&tag=&objective=) so a filtered view can be
   shared, and a status line announces how many cards are shown. No framework, no other host. */
(function () {
  "use strict";
  var board = document.getElementById("board");
  if (!board) return;
  var form = document.getElementById("filters");
  var status = document.getElementById("results");
  var fullLink = document.getElementById("full-roadmap");
  var names = ["q", "theme", "tag", "objective"];
  var total = 0;

  function fold(text) {
    return String(text || "").normalize("NFD").replace(/\p{Mn}/gu, "").toLowerCase();
  }
  function list(value) {
    try { var parsed = JSON.parse(value || "[]"); return Array.isArray(parsed) ? parsed : []; } catch (e) { return []; }
  }

  var cards = Array.prototype.map.call(board.querySelectorAll(".card"), function (el) {
    total += 1;
    return {
      el: el,
      theme: el.getAttribute("data-theme") || "",
      tags: list(el.getAttribute("data-tags")),
      objectives: list(el.getAttribute("data-objectives")),
      text: el.getAttribute("data-search") || ""
    };
  });

  /* The values a filter can take: the form's options, or (in the embed, which has no form) the cards' own. */
  var allowed = { theme: {}, tag: {}, objective: {} };
  cards.forEach(function (c) {
    allowed.theme[c.theme] = true;
    c.tags.forEach(function (t) { allowed.tag[t] = true; });
    c.objectives.forEach(function (o) { allowed.objective[o] = true; });
  });

  function control(name) { return form ? form.elements.namedItem(name) : null; }

  function readUrl() {
    var params = new URLSearchParams(window.location.search);
    var state = { q: (params.get("q") || "").trim() };
    ["theme", "tag", "objective"].forEach(function (name) {
      var value = params.get(name) || "";
      if (name === "tag") value = value.toLowerCase();
      state[name] = value && allowed[name][value] ? value : "";
    });
    return state;
  }

  function readForm() {
    var state = {};
    names.forEach(function (name) {
      var field = control(name);
      state[name] = field ? field.value.trim() : "";
    });
    return state;
  }

  function fillForm(state) {
    names.forEach(function (name) {
      var field = control(name);
      if (field) field.value = state[name];
    });
  }

  function writeUrl(state) {
    var params = new URLSearchParams(window.location.search);
    names.forEach(function (name) {
      if (state[name]) params.set(name, state[name]); else params.delete(name);
    });
    var query = params.toString();
    var url = window.location.pathname + (query ? "?" + query : "") + window.location.hash;
    try { window.history.replaceState(null, "", url); } catch (e) { /* some file:// setups refuse; filtering still works */ }
    if (fullLink) {
      var shared = new URLSearchParams();
      names.forEach(function (name) { if (state[name]) shared.set(name, state[name]); });
      var base = fullLink.getAttribute("href").split("?")[0];
      fullLink.setAttribute("href", base + (shared.toString() ? "?" + shared.toString() : ""));
    }
  }

  function matches(card, state, words) {
    if (state.theme && card.theme !== state.theme) return false;
    if (state.tag && card.tags.indexOf(state.tag) < 0) return false;
    if (state.objective && card.objectives.indexOf(state.objective) < 0) return false;
    for (var i = 0; i < words.length; i += 1) {
      if (card.text.indexOf(words[i]) < 0) return false;
    }
    return true;
  }

  function apply(state) {
    var words = fold(state.q).split(/\s+/).filter(Boolean);
    var filtered = names.some(function (name) { return state[name]; });
    var shown = 0;
    cards.forEach(function (card) {
      var ok = matches(card, state, words);
      card.el.hidden = !ok;
      if (ok) shown += 1;
    });
    Array.prototype.forEach.call(board.querySelectorAll(".column"), function (column) {
      var visible = column.querySelectorAll(".card:not([hidden])").length;
      var count = column.querySelector("[data-count]");
      var empty = column.querySelector("[data-empty]");
      if (count) count.textContent = String(visible);
      if (empty) {
        empty.hidden = visible > 0;
        empty.textContent = empty.getAttribute(filtered ? "data-filtered" : "data-none");
      }
    });
    if (status) {
      var noun = total === 1 ? "initiative" : "initiatives";
      status.textContent = filtered
        ? shown + " of " + total + " " + noun + " shown"
        : "Showing all " + total + " " + noun;
    }
    writeUrl(state);
  }

  var initial = readUrl();
  if (form) {
    fillForm(initial);
    form.hidden = false;
    form.addEventListener("submit", function (event) { event.preventDefault(); apply(readForm()); });
    form.addEventListener("input", function () { apply(readForm()); });
    form.addEventListener("change", function () { apply(readForm()); });
    var clear = document.getElementById("f-clear");
    if (clear) {
      clear.addEventListener("click", function () {
        fillForm({ q: "", theme: "", tag: "", objective: "" });
        apply(readForm());
        var search = control("q");
        if (search) search.focus();
      });
    }
  }
  apply(initial);
})();
