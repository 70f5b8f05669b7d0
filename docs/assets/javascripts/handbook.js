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

/* Glossary terms (markup: scripts/glossary.py). The first use of a term on a page is a link to its
   glossary entry with the short definition beside it, hidden until asked for:
   - mouse: shown while the pointer rests on the term or on the definition (a short delay lets the
     pointer travel between them), a click follows the link;
   - keyboard: shown while the term (or the definition's own link) has focus, Enter follows the link;
   - touch: the first tap shows the definition instead of leaving the page; the definition's link
     "Zum Eintrag im Glossar" (or a second tap on the term) leads to the entry; a tap elsewhere closes it;
   - Escape closes it in every case (WCAG 1.4.13: dismissible, hoverable, persistent).
   The term link's aria-describedby points at the definition text, so screen readers read it too. */
(function () {
  "use strict";
  var open = null, timer = null, lastPointer = "mouse", openBeforeTap = false;

  function parts(wrap) {
    return { wrap: wrap, term: wrap.querySelector("a.hb-term"), def: wrap.querySelector(".hb-term-def") };
  }

  function place(def) {
    def.style.left = "0px";
    var box = def.getBoundingClientRect();
    var room = document.documentElement.clientWidth - 8;
    if (box.right > room) def.style.left = Math.min(0, room - box.right) + "px";
    box = def.getBoundingClientRect();
    if (box.left < 8) def.style.left = (parseFloat(def.style.left) + 8 - box.left) + "px";
  }

  function show(wrap) {
    clearTimeout(timer);
    if (open && open !== wrap) hide(open);
    var p = parts(wrap);
    p.def.hidden = false;
    p.term.setAttribute("aria-expanded", "true");
    place(p.def);
    open = wrap;
  }

  function hide(wrap) {
    clearTimeout(timer);
    if (!wrap) return;
    var p = parts(wrap);
    p.def.hidden = true;
    p.term.setAttribute("aria-expanded", "false");
    if (open === wrap) open = null;
  }

  function hideSoon(wrap) {
    clearTimeout(timer);
    timer = setTimeout(function () { hide(wrap); }, 300);
  }

  function init() {
    var wraps = document.querySelectorAll(".hb-term-wrap");
    Array.prototype.forEach.call(wraps, function (wrap) {
      var p = parts(wrap);
      if (!p.term || !p.def) return;
      p.term.setAttribute("aria-expanded", "false");
      wrap.addEventListener("pointerenter", function (event) {
        if (event.pointerType === "mouse") show(wrap);
      });
      wrap.addEventListener("pointerleave", function (event) {
        if (event.pointerType === "mouse" && !wrap.contains(document.activeElement)) hideSoon(wrap);
      });
      wrap.addEventListener("focusin", function () { show(wrap); });
      wrap.addEventListener("focusout", function (event) {
        if (!wrap.contains(event.relatedTarget)) hide(wrap);
      });
      p.term.addEventListener("click", function (event) {
        /* A tap also focuses the term (which opens it): whether it was open is noted on pointerdown. */
        if ((lastPointer === "touch" || lastPointer === "pen") && !openBeforeTap) {
          event.preventDefault();
          show(wrap);
        }
      });
    });
  }

  document.addEventListener("pointerdown", function (event) {
    lastPointer = event.pointerType || "mouse";
    var wrap = event.target.closest && event.target.closest(".hb-term-wrap");
    openBeforeTap = !!wrap && open === wrap && !event.target.closest(".hb-term-def");
    if (open && !open.contains(event.target)) hide(open);
  }, true);
  document.addEventListener("keydown", function (event) {
    lastPointer = "keyboard";
    if ((event.key === "Escape" || event.key === "Esc") && open) {
      var wrap = open, p = parts(wrap);
      if (p.def.contains(document.activeElement)) p.term.focus();
      hide(wrap);
    }
  });

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();

/* Wide tables: the theme puts each table in a container that scrolls sideways. While the table is wider
   than the column, a caption above it says so ("Breite Tabelle: seitlich wischen →") and a shade marks
   each edge that has more to show; both go away when the table fits or is scrolled to that edge.
   While it scrolls, the container can take keyboard focus (arrow keys scroll it) and is a named region.
   The caption's text comes from the page (mkdocs.yml: extra.strings.*.table_scroll_hint). */
(function () {
  "use strict";

  function update(outer, scroller, label) {
    var more = scroller.scrollWidth - scroller.clientWidth;
    if (more > 1 && !scroller.hasAttribute("tabindex")) {
      scroller.setAttribute("tabindex", "0");
      scroller.setAttribute("role", "region");
      scroller.setAttribute("aria-label", label);
    } else if (more <= 1 && scroller.hasAttribute("tabindex")) {
      scroller.removeAttribute("tabindex");
      scroller.removeAttribute("role");
      scroller.removeAttribute("aria-label");
    }
    outer.classList.toggle("hb-table-scroll--overflow", more > 1);
    outer.classList.toggle("hb-table-scroll--left", more > 1 && scroller.scrollLeft > 1);
    outer.classList.toggle("hb-table-scroll--right", more > 1 && scroller.scrollLeft < more - 1);
  }

  function init() {
    var source = document.getElementById("hb-strings");
    var strings = source ? JSON.parse(source.textContent) : {};
    var tables = document.querySelectorAll(".md-typeset table");
    Array.prototype.forEach.call(tables, function (table) {
      var scroller = table.closest(".md-typeset__scrollwrap");
      if (!scroller || scroller.parentElement.classList.contains("hb-table-scroll")) return;
      var outer = document.createElement("div");
      outer.className = "hb-table-scroll";
      var hint = document.createElement("p");
      hint.className = "hb-table-scroll__hint";
      hint.setAttribute("aria-hidden", "true"); /* screen readers read the table itself */
      hint.textContent = strings.table_scroll_hint || "→";
      scroller.parentElement.insertBefore(outer, scroller);
      outer.appendChild(hint);
      outer.appendChild(scroller);
      var label = hint.textContent.replace(/[\u2190\u2192]/g, "").trim();
      var refresh = function () { update(outer, scroller, label); };
      scroller.addEventListener("scroll", refresh, { passive: true });
      if (window.ResizeObserver) new ResizeObserver(refresh).observe(scroller);
      else window.addEventListener("resize", refresh);
      refresh();
    });
  }

  /* After the theme has wrapped the tables (it does so on DOMContentLoaded, before this listener). */
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(function () { setTimeout(init, 0); });
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { setTimeout(init, 0); });
  } else {
    setTimeout(init, 0);
  }
})();

/* Share button (overrides/partials/actions.html). The page holds a hidden placeholder (its icon, label
   and title; the article's markup may hold no form elements); this turns it into a real <button>, so
   the button exists only where it can work. A click (or Enter/Space) opens the device's share sheet
   (Web Share API) where there is one; otherwise, or if sharing fails for another reason than the reader
   cancelling, it copies the page's address (Clipboard API, else select and copy) and says so in the
   status line beside it, which screen readers announce (role="status"). Nothing is requested from
   anywhere. The texts come from the page (mkdocs.yml: extra.strings.*.share_*). */
(function () {
  "use strict";
  var timer = null;

  function address() {
    var url = new URL(window.location.href);
    url.hash = "";
    return url.href;
  }

  /* The status line is in the accessibility tree from page load (visually hidden while empty, see
     handbook.css); it is emptied first and filled a moment later, so a screen reader announces the
     message as a change even when the same words come twice. */
  function say(status, text) {
    clearTimeout(timer);
    status.textContent = "";
    timer = setTimeout(function () {
      status.textContent = text;
      timer = setTimeout(function () { status.textContent = ""; }, 6000);
    }, 100);
  }

  function copyBySelection(text) {
    var field = document.createElement("textarea");
    field.value = text;
    field.setAttribute("readonly", "");
    field.style.position = "fixed";
    field.style.opacity = "0";
    document.body.appendChild(field);
    field.select();
    var done = false;
    try { done = document.execCommand("copy"); } catch (error) { done = false; }
    document.body.removeChild(field);
    return done;
  }

  function copy(status, strings, url) {
    var ok = function () { say(status, strings.share_copied || "\u2713"); };
    var fallback = function () {
      if (copyBySelection(url)) ok();
      else say(status, strings.share_failed || url);
    };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(url).then(ok, fallback);
    } else {
      fallback();
    }
  }

  function share(status, strings) {
    var url = address();
    if (typeof navigator.share === "function") {
      navigator.share({ title: document.title, url: url }).catch(function (error) {
        if (!error || error.name !== "AbortError") copy(status, strings, url);
      });
    } else {
      copy(status, strings, url);
    }
  }

  function init() {
    var source = document.getElementById("hb-strings");
    var strings = source ? JSON.parse(source.textContent) : {};
    document.querySelectorAll(".hb-share").forEach(function (holder) {
      var status = holder.querySelector(".hb-share-status");
      if (!status || holder.querySelector("button")) return;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "md-content__button md-icon hb-share-button";
      button.title = holder.title;
      holder.removeAttribute("title");
      Array.prototype.slice.call(holder.childNodes).forEach(function (node) {
        if (node !== status) button.appendChild(node);
      });
      holder.insertBefore(button, status);
      button.addEventListener("click", function () { share(status, strings); });
      holder.hidden = false;
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
