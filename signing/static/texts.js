/* Texts in the reader's language for the other scripts, loaded first on every page (base.html).
   SigningTexts("js-texts") reads the JSON block of that id (templates/_js_texts.html,
   _form_texts.html) and returns t(key, fallback, values): the text with its {name} placeholders
   filled; the Indonesian fallback keeps a script working on a page without the block. */
(function () {
  "use strict";
  window.SigningTexts = function (blockId) {
    var texts = {};
    var block = document.getElementById(blockId);
    try { texts = block ? JSON.parse(block.textContent) : {}; } catch (e) { texts = {}; }
    return function t(key, fallback, values) {
      var text = typeof texts[key] === "string" ? texts[key] : fallback;
      return text.replace(/\{(\w+)\}/g, function (whole, name) {
        return values && Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : whole;
      });
    };
  };
})();
