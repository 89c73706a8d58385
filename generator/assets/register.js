// Dataset Register: the cite box. Switches the citation style and copies citations; every style
// is already in the page, so nothing is fetched. Without JavaScript the default style is shown.
(function () {
  "use strict";
  var KEY = "dataset-register-citation-style";

  function show(style) {
    document.querySelectorAll(".dr-citation[data-style]").forEach(function (element) {
      element.hidden = element.getAttribute("data-style") !== style;
    });
    document.querySelectorAll(".dr-style-select").forEach(function (select) { select.value = style; });
  }

  function visibleText(element) {
    return Array.prototype.filter.call(element.childNodes, function (node) {
      return !(node.nodeType === 1 && node.hidden);
    }).map(function (node) { return node.textContent; }).join("").replace(/\s+/g, " ").trim();
  }

  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "absolute";
    area.style.left = "-9999px";
    document.body.appendChild(area);
    area.select();
    var copied = document.execCommand("copy");
    document.body.removeChild(area);
    return copied ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }

  function init() {
    var select = document.querySelector(".dr-style-select");
    if (!select) { return; }
    var status = document.querySelector(".dr-copy-status");
    var saved = null;
    try { saved = window.localStorage.getItem(KEY); } catch (error) { saved = null; }
    if (saved && select.querySelector('option[value="' + saved + '"]')) { show(saved); }
    select.addEventListener("change", function () {
      show(select.value);
      try { window.localStorage.setItem(KEY, select.value); } catch (error) { /* private browsing */ }
    });
    document.querySelectorAll(".dr-copy").forEach(function (button) {
      button.addEventListener("click", function () {
        var text;
        if (button.hasAttribute("data-copy-text")) {  // the DOI: the button says itself that it copied
          copy(button.getAttribute("data-copy-text")).then(function () { button.textContent = "Copied"; },
            function () { button.textContent = "Select the DOI to copy it"; });
          return;
        }
        if (button.getAttribute("data-copy") === "dr-works") {
          text = Array.prototype.map.call(document.querySelectorAll(".dr-works > li"), function (item, index) {
            return (index + 1) + ". " + visibleText(item);
          }).join("\n");
        } else {
          text = visibleText(document.querySelector("p.dr-citation:not([hidden])"));
        }
        copy(text).then(function () {
          if (status) { status.textContent = "Copied."; }
        }, function () {
          if (status) { status.textContent = "Copying was refused: select the text and copy it."; }
        });
      });
    });
  }

  // The dataset list: facets and sorting, kept in the URL so that a filtered view can be shared.
  var ORDER = {
    title: function (a, b) { return a.getAttribute("data-title").localeCompare(b.getAttribute("data-title")); },
    year: function (a, b) { return b.getAttribute("data-year").localeCompare(a.getAttribute("data-year")); },
    size: function (a, b) { return Number(b.getAttribute("data-size")) - Number(a.getAttribute("data-size")); }
  };

  function initFilters() {
    var form = document.querySelector(".dr-filters");
    if (!form) { return; }
    form.hidden = false;
    var panel = form.closest("details");
    if (panel && window.matchMedia("(min-width: 45em)").matches) { panel.open = true; }  // phones: folded
    var list = document.querySelector(".dr-cards");
    var cards = Array.prototype.slice.call(list.children);
    var count = document.querySelector(".dr-count");
    var selects = Array.prototype.slice.call(form.querySelectorAll("select"));
    var params = new URLSearchParams(window.location.search);
    selects.forEach(function (select) {
      if (params.has(select.name)) { select.value = params.get(select.name); }
      if (select.selectedIndex < 0) { select.selectedIndex = 0; }  // a value the list does not have
    });

    // A large list comes in pages; the other pages are fetched once, the first time the list is
    // filtered or sorted, and their cards join this page's, so that the filters cover every dataset.
    var more = (list.getAttribute("data-more") || "").split(" ").filter(Boolean);
    var total = Number(list.getAttribute("data-total")) || 0;
    var gathering = null;

    function absolute(card, base) {
      card.querySelectorAll("[href]").forEach(function (element) {
        element.setAttribute("href", new URL(element.getAttribute("href"), base).href);
      });
      card.querySelectorAll("[src]").forEach(function (element) {
        element.setAttribute("src", new URL(element.getAttribute("src"), base).href);
      });
      return card;
    }

    function gather() {
      if (!more.length) { return Promise.resolve(); }
      if (!gathering) {
        count.textContent = "Loading the whole list …";
        gathering = Promise.all(more.map(function (path) {
          var url = new URL(path, window.location.href);
          return fetch(url).then(function (response) {
            if (!response.ok) { throw new Error(String(response.status)); }
            return response.text();
          }).then(function (text) {
            var page = new DOMParser().parseFromString(text, "text/html");
            return Array.prototype.map.call(page.querySelectorAll(".dr-cards > li"), function (card) {
              return absolute(document.importNode(card, true), url);
            });
          });
        })).then(function (pages) {
          pages.forEach(function (page) { page.forEach(function (card) { list.appendChild(card); cards.push(card); }); });
          document.querySelectorAll(".dr-pages").forEach(function (nav) { nav.hidden = true; });
          more = [];
        });
      }
      return gathering;
    }

    function wantedFacets() {
      var wanted = {};
      selects.forEach(function (select) {
        if (select.name !== "sort" && select.value) { wanted[select.name] = select.value; }
      });
      return wanted;
    }

    function apply() {
      if (more.length && (Object.keys(wantedFacets()).length || form.elements.sort.value !== "title")) {
        gather().then(show, function () {
          gathering = null;  // the next change tries again
          show(true);
          count.textContent += " on this page: the rest of the list could not be loaded; the page links show it.";
        });
      } else {
        show();
      }
    }

    function show(thisPageOnly) {
      var wanted = wantedFacets();
      var shown = 0;
      var askedWithdrawn = wanted.status === "Withdrawn" || wanted.access === "Not available: withdrawn";
      cards.forEach(function (card) {
        var match = Object.keys(wanted).every(function (facet) {
          return (card.getAttribute("data-" + facet) || "").split("|").indexOf(wanted[facet]) >= 0;
        });
        // Withdrawn datasets are out of the list unless asked for: their data is gone, their successor is listed.
        if (!askedWithdrawn && card.classList.contains("dr-card-withdrawn")) { match = false; }
        card.hidden = !match;
        if (match) { shown += 1; }
      });
      var sort = form.elements.sort.value;
      cards.slice().sort(ORDER[sort] || ORDER.title).forEach(function (card) { list.appendChild(card); });
      var listed = more.length && !thisPageOnly ? total : cards.filter(function (card) {
        return askedWithdrawn || !card.classList.contains("dr-card-withdrawn");
      }).length;
      count.textContent = shown + " of " + listed + " datasets shown";
      var query = new URLSearchParams();
      Object.keys(wanted).forEach(function (facet) { query.set(facet, wanted[facet]); });
      if (sort !== "title") { query.set("sort", sort); }
      var text = query.toString();
      window.history.replaceState(null, "", text ? "?" + text : window.location.pathname);
    }

    form.addEventListener("change", apply);
    form.addEventListener("reset", function () { window.setTimeout(apply, 0); });
    apply();
  }

  function start() {
    init();
    initFilters();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

// The search page: Pagefind's interface, started with the query the header's search box sent (?q=).
(function () {
  "use strict";
  var element = document.getElementById("dr-search");
  if (!element || typeof window.PagefindUI !== "function") { return; }
  var ui = new window.PagefindUI({
    element: "#dr-search", bundlePath: element.getAttribute("data-bundle"), showImages: false,
    // Result links are absolute paths: the site's own, wherever it is served (a project site lives under a path).
    baseUrl: new URL(element.getAttribute("data-root"), window.location.href).pathname, showSubResults: true, resetStyles: false,
    translations: { placeholder: "Title, short name, DOI, author, words" }
  });
  // Pagefind's box has only a placeholder; a screen reader needs its name.
  var input = element.querySelector(".pagefind-ui__search-input");
  if (input) { input.setAttribute("aria-label", "Search the datasets and the documentation"); }
  var query = new URLSearchParams(window.location.search).get("q");
  if (query) { ui.triggerSearch(query); }
})();
