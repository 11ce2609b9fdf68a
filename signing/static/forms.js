/* Our own messages for invalid form fields, in the reader's language (never the browser's).
   Forms marked novalidate are checked here on submit: each invalid field gets aria-invalid and
   a message beside it that it names in aria-describedby, and focus moves to the first one.
   The server checks everything again; this only spares a round trip. */
(function () {
  "use strict";
  // Texts in the reader's language, from the page's #form-texts block (static/shared.js).
  var t = window.SigningTexts("form-texts");

  function labelOf(field) {
    var label = field.labels && field.labels[0];
    if (!label) return field.getAttribute("aria-label") || field.name;
    var copy = label.cloneNode(true);
    copy.querySelectorAll(".req, .visually-hidden, input").forEach(function (node) { node.remove(); });
    return copy.textContent.replace(/\s+/g, " ").trim().replace(/[:*]$/, "");
  }

  function messageFor(field) {
    var v = field.validity;
    if (v.valid) return "";
    if (v.valueMissing) {
      var own = field.dataset.requiredMessage ||
        (field.type === "radio" && field.closest("fieldset") && field.closest("fieldset").dataset.requiredMessage);
      if (own) return own;
      if (field.type === "radio") {
        var legend = field.closest("fieldset") && field.closest("fieldset").querySelector("legend");
        return t("choose", "Pilih salah satu: {label}.", { label: legend ? legend.textContent.trim() : field.name });
      }
      if (field.type === "checkbox") return t("tick", "Centang \u201e{label}\u201d untuk melanjutkan.", { label: labelOf(field) });
      if (field.type === "file") return t("file", "Pilih berkas untuk \u201e{label}\u201d.", { label: labelOf(field) });
      if (field.tagName === "SELECT") return t("select", "Pilih {label}.", { label: labelOf(field) });
      return t("required", "{label} wajib diisi.", { label: labelOf(field) });
    }
    if (v.tooShort) return t("too_short", "{label} minimal {n} karakter.", { label: labelOf(field), n: field.minLength });
    if (v.tooLong) return t("too_long", "{label} maksimal {n} karakter.", { label: labelOf(field), n: field.maxLength });
    if (v.typeMismatch || v.patternMismatch || v.badInput) {
      var hint = field.dataset.formatHint || field.title;
      return hint ? t("format_hint", "{label} tidak sesuai format ({hint}).", { label: labelOf(field), hint: hint })
        : t("format", "{label} tidak sesuai format.", { label: labelOf(field) });
    }
    if (v.rangeUnderflow) return t("min", "{label} paling kecil {n}.", { label: labelOf(field), n: field.min });
    if (v.rangeOverflow) return t("max", "{label} paling besar {n}.", { label: labelOf(field), n: field.max });
    return t("invalid", "{label} belum benar.", { label: labelOf(field) });
  }

  // Where the message goes and which element carries aria-invalid / aria-describedby.
  function anchorOf(field) {
    if (field.type === "radio") return field.closest("fieldset") || field;
    if (field.type === "checkbox" && field.closest("label")) return field.closest("label");
    return field;
  }

  function errorId(field) {
    return (field.id || field.name || "isian").replace(/[^\w-]/g, "_") + "-galat";
  }

  function describe(field, id, on) {
    var ids = (field.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean)
      .filter(function (x) { return x !== id; });
    if (on) ids.unshift(id);
    if (ids.length) field.setAttribute("aria-describedby", ids.join(" "));
    else field.removeAttribute("aria-describedby");
  }

  function clear(field) {
    var id = errorId(field);
    var box = document.getElementById(id);
    if (box) box.remove();
    var group = field.type === "radio" && field.form ? field.form.querySelectorAll("input[type=radio][name='" + field.name + "']") : [field];
    Array.prototype.forEach.call(group, function (member) {
      member.removeAttribute("aria-invalid");
      describe(member, id, false);
    });
  }

  function show(field, message) {
    clear(field);
    var id = errorId(field);
    var box = document.createElement("p");
    box.className = "field-error";
    box.id = id;
    box.textContent = message;
    var anchor = anchorOf(field);
    if (anchor.tagName === "FIELDSET") anchor.appendChild(box);
    else anchor.insertAdjacentElement("afterend", box);
    var group = field.type === "radio" ? field.form.querySelectorAll("input[type=radio][name='" + field.name + "']") : [field];
    Array.prototype.forEach.call(group, function (member) {
      member.setAttribute("aria-invalid", "true");
      describe(member, id, true);
    });
  }

  function check(form) {
    var first = null;
    var seen = {};
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.willValidate || field.disabled || field.closest("[hidden]")) return;
      if (field.type === "radio") {
        if (seen[field.name]) return;
        seen[field.name] = true;
      }
      var message = messageFor(field);
      if (message) {
        show(field, message);
        if (!first) first = field.type === "radio" ? (form.querySelector("input[type=radio][name='" + field.name + "']:checked") || field) : field;
      } else {
        clear(field);
      }
    });
    return first;
  }

  document.querySelectorAll("form[novalidate]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      var first = check(form);
      if (first) {
        event.preventDefault();
        event.stopImmediatePropagation();
        first.focus();
      }
    });
    var recheck = function (event) {
      var field = event.target;
      if (field.getAttribute && field.getAttribute("aria-invalid") === "true" && !messageFor(field)) clear(field);
    };
    form.addEventListener("input", recheck);
    form.addEventListener("change", recheck);
  });

  // A page answered with fields the server refused: focus its message (#galat, an alert the
  // fields name in aria-describedby) or else the first refused field.
  var galat = document.getElementById("galat");
  var refused = document.querySelector("form [aria-invalid=true]");
  if (galat && galat.tabIndex === -1) galat.focus();
  else if (refused) refused.focus();

  // --- tables that scroll sideways (a phone): reachable by keyboard and named --------------
  // Only a wrapper that really overflows becomes a focusable, labelled region, so wide screens
  // get no extra tab stop (WCAG 2.1.1; axe "scrollable-region-focusable").
  function nameOf(wrap) {
    var table = wrap.querySelector("table");
    var caption = table && table.caption;
    if (caption && caption.textContent.trim()) return caption.textContent.trim();
    if (table && table.getAttribute("aria-label")) return table.getAttribute("aria-label");
    var section = wrap.closest("section, .card, main");
    var heading = section && section.querySelector("h1, h2, h3");
    return heading ? heading.textContent.replace(/\s+/g, " ").trim() : t("table", "Tabel");
  }
  function markScrolling() {
    document.querySelectorAll(".table-wrap").forEach(function (wrap) {
      var scrolls = wrap.scrollWidth > wrap.clientWidth + 1;
      if (scrolls && !wrap.hasAttribute("data-scroll-region")) {
        wrap.setAttribute("data-scroll-region", "");
        wrap.tabIndex = 0;
        wrap.setAttribute("role", "region");
        wrap.setAttribute("aria-label", t("scroll_region", "{label} (geser ke samping untuk melihat semua kolom)",
          { label: nameOf(wrap) }));
      } else if (!scrolls && wrap.hasAttribute("data-scroll-region")) {
        wrap.removeAttribute("data-scroll-region");
        wrap.removeAttribute("tabindex");
        wrap.removeAttribute("role");
        wrap.removeAttribute("aria-label");
      }
    });
  }
  markScrolling();
  var resizing = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(resizing);
    resizing = window.setTimeout(markScrolling, 100);
  });
})();
