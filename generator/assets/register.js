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

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
