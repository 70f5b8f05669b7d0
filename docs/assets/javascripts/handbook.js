/* Keep the reader's place when switching language. The twin page has the same heading ids, so the
   current #anchor is carried over to the other language's link. static-i18n already links each page
   to its twin, so Material's own sitemap look-up (which drops the anchor) is not needed. */
(function () {
  "use strict";
  var selector = "a.md-select__link[hreflang]";

  function carryHash(link) {
    var url = new URL(link.href, window.location.href);
    url.hash = window.location.hash;
    link.href = url.href;
  }

  ["pointerdown", "focusin"].forEach(function (type) {
    document.addEventListener(type, function (event) {
      var link = event.target.closest && event.target.closest(selector);
      if (link) carryHash(link);
    }, true);
  });

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(selector);
    if (!link || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
      return;
    }
    carryHash(link);
    event.stopImmediatePropagation(); /* the browser follows the link, anchor included */
  }, true);

  window.addEventListener("hashchange", function () {
    document.querySelectorAll(selector).forEach(carryHash);
  });
})();

/* Search with stemming. Material's search worker turns every word into a prefix search ("word*"),
   and lunr does not stem wildcard terms, so "Zielgruppen*" never finds a page that only says
   "Zielgruppe". Each plain word is therefore also sent as an exact term ("word^1"), which lunr
   reduces with the page language's stemmer (German index: German stemmer, English: English).
   Queries that use search syntax (quotes, +, -, ~, ^, :, *) are passed on unchanged. */
(function () {
  "use strict";
  var QUERY = 2; /* Material's search worker message type for a query */
  var post = Worker.prototype.postMessage;

  function withStems(query) {
    if (/["+\-~^:*]/.test(query)) return query;
    return query.split(/\s+/).filter(Boolean).map(function (word) {
      return word.length > 2 ? word + "^1 " + word : word;
    }).join(" ");
  }

  Worker.prototype.postMessage = function (message) {
    if (message && message.type === QUERY && typeof message.data === "string") {
      message = Object.assign({}, message, { data: withStems(message.data) });
    }
    return post.apply(this, [message].concat(Array.prototype.slice.call(arguments, 1)));
  };
})();
