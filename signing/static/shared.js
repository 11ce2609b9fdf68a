/* What the other scripts share, loaded first on every page (base.html).
   SigningTexts("js-texts") reads the JSON block of that id (templates/_js_texts.html,
   _form_texts.html) and returns t(key, fallback, values): the text in the reader's language with
   its {name} placeholders filled; the Indonesian fallback keeps a script working on a page
   without the block. SigningPost(url, data) posts form data asking for a JSON answer (the views
   answer a fetch with JSON, a plain form post with a page). */
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
  window.SigningPost = function (url, data) {
    return fetch(url, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-Requested-With": "fetch" }
    });
  };
})();
