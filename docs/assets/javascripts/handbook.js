/* Keep the reader's place when switching language: the twin page has the same heading ids,
   so the current #anchor is carried over to the other language's link. */
(function () {
  "use strict";
  var selector = "a.md-select__link[hreflang]";

  function carryHash(link) {
    var url = new URL(link.href, window.location.href);
    url.hash = window.location.hash;
    link.href = url.href;
  }

  function carryAll() {
    document.querySelectorAll(selector).forEach(carryHash);
  }

  ["pointerdown", "focusin", "click"].forEach(function (type) {
    document.addEventListener(type, function (event) {
      var link = event.target.closest && event.target.closest(selector);
      if (link) carryHash(link);
    }, true);
  });
  window.addEventListener("hashchange", carryAll);
  document.addEventListener("DOMContentLoaded", carryAll);
})();
