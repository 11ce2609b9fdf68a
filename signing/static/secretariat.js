/* The secretariat's pages: dashboard self-refresh and batch generation with a progress bar.
   Local, dependency-free; every page also works without it (plain links and forms). */
(function () {
  "use strict";

  // Texts in the reader's language, from the page's #js-texts block (static/shared.js).
  var t = window.SigningTexts("js-texts");

  function clock() {
    var d = new Date();
    // The server writes WIB; the meeting room's clock is WIB too.
    return d.toLocaleTimeString(t("locale", "id-ID"), { hour: "2-digit", minute: "2-digit", second: "2-digit" });
  }

  // --- selects that submit their form when changed (no inline handlers: the CSP forbids them)
  Array.prototype.forEach.call(document.querySelectorAll("select[data-autosubmit]"), function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });

  // --- dashboard refresh ---------------------------------------------------------------------
  var board = document.getElementById("papan");
  if (board && board.dataset.refreshUrl) {
    var note = document.getElementById("refresh-note");
    var seconds = parseInt(board.dataset.refreshSeconds || "10", 10);
    var failures = 0;
    var stopped = false;
    // The fragment carries an ETag; "no-cache" keeps it in the browser's cache but asks the
    // server every time (If-None-Match), so an unchanged board costs a bodiless 304. The
    // browser then hands us the cached copy as a 200; the ETag tells us not to redraw it.
    var shown = null;
    var paused = false;
    var news = document.getElementById("papan-berita");
    var toggle = document.getElementById("refresh-toggle");
    var counts = function () {
      var tiles = board.querySelector(".tiles");
      if (!tiles) return null;
      return { done: Number(tiles.dataset.slotsDone), total: Number(tiles.dataset.slotsTotal),
        paraf: Number(tiles.dataset.parafOnly), declined: Number(tiles.dataset.declined),
        complete: Number(tiles.dataset.complete) };
    };
    // Announce what changed (a new signature, a new paraf, a decline), never the clock.
    var announce = function (before, after) {
      if (!news || !before || !after) return;
      var parts = [];
      if (after.done > before.done) parts.push(t("news_signed", "{n} tanda tangan atau kesaksian baru ({done} dari {total}).",
        { n: after.done - before.done, done: after.done, total: after.total }));
      if (after.paraf > before.paraf) parts.push(t("news_paraf", "{n} paraf baru tanpa tanda tangan.", { n: after.paraf - before.paraf }));
      if (after.declined > before.declined) parts.push(t("news_declined", "{n} penolakan baru.", { n: after.declined - before.declined }));
      if (after.complete > before.complete) parts.push(t("news_complete", "{n} komitmen baru lengkap.", { n: after.complete - before.complete }));
      if (parts.length) news.textContent = parts.join(" ");
    };
    if (toggle) {
      toggle.hidden = false;
      toggle.addEventListener("click", function () {
        paused = !paused;
        toggle.setAttribute("aria-pressed", paused ? "true" : "false");
        toggle.textContent = paused ? t("resume_refresh", "Lanjutkan pembaruan otomatis")
          : t("pause_refresh", "Jeda pembaruan otomatis");
        if (!paused) refresh();
      });
    }
    var refresh = function () {
      if (stopped || paused || document.hidden) return;
      fetch(board.dataset.refreshUrl, {
        credentials: "same-origin",
        headers: { "X-Requested-With": "fetch", Accept: "text/html" },
        cache: "no-cache"
      }).then(function (response) {
        if (response.redirected || response.status === 401 || response.status === 403) {
          stopped = true;
          throw new Error(t("session_over", "Sesi berakhir: muat ulang halaman dan masuk lagi."));
        }
        if (response.status === 304) return null;
        if (!response.ok) throw new Error(t("server_answered", "Server menjawab {status}.", { status: response.status }));
        var etag = response.headers.get("ETag");
        if (etag && etag === shown) return null;
        return response.text().then(function (html) { return { html: html, etag: etag }; });
      }).then(function (fresh) {
        if (fresh) {
          var before = counts();
          board.innerHTML = fresh.html;
          shown = fresh.etag;
          announce(before, counts());
        }
        failures = 0;
        if (note) {
          note.classList.remove("stale");
          note.textContent = t("refreshed", "Diperbarui {time} WIB \u00b7 otomatis tiap {seconds} detik",
            { time: clock(), seconds: seconds });
        }
      }).catch(function (error) {
        failures += 1;
        if (note) {
          note.classList.add("stale");
          note.textContent = t("refresh_failed", "Gagal memperbarui ({error})", { error: error.message }) +
            (stopped ? "" : t("retrying", " Mencoba lagi\u2026"));
        }
      });
    };
    setInterval(refresh, seconds * 1000);
    document.addEventListener("visibilitychange", function () { if (!document.hidden) refresh(); });
  }

  // --- batch generation ----------------------------------------------------------------------
  Array.prototype.forEach.call(document.querySelectorAll("form.js-batch"), function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = form.querySelector("button[type=submit]");
      var box = form.querySelector(".batch-progress");
      var bar = box.querySelector("progress");
      var text = box.querySelector(".batch-text");
      var errors = box.querySelector(".batch-errors");
      var size = form.dataset.batchSize || "3";
      var made = 0, skipped = 0, failed = 0;
      button.disabled = true;
      box.hidden = false;
      errors.innerHTML = "";
      text.textContent = t("starting", "Memulai\u2026");

      var step = function (after) {
        var data = new FormData(form);
        data.set("size", size);
        if (after) data.set("after", after);
        window.SigningPost(form.action, data).then(function (response) {
          return response.json().then(function (body) { return { ok: response.ok, body: body }; },
            function () { throw new Error(t("server_answered", "Server menjawab {status}.", { status: response.status })); });
        }).then(function (result) {
          var body = result.body;
          if (!result.ok) {
            throw new Error(typeof body.error === "string" ? body.error
              : (body.error && body.error.message) || t("failed", "gagal"));
          }
          made += body.generated.length;
          skipped += body.skipped.length;
          failed += body.errors.length;
          body.errors.forEach(function (item) {
            var li = document.createElement("li");
            li.textContent = item.region + ": " + item.message;
            errors.appendChild(li);
          });
          bar.max = body.total || 1;
          bar.value = body.position;
          text.textContent = t("batch_progress",
            "{position} dari {total} wilayah \u00b7 {made} dibuat, {skipped} dilewati, {failed} gagal",
            { position: body.position, total: body.total, made: made, skipped: skipped, failed: failed });
          if (body.done) {
            text.textContent += t("batch_done", " \u00b7 selesai.");
            button.disabled = false;
            if (!failed) setTimeout(function () { window.location.reload(); }, 1200);
          } else {
            step(body.next);
          }
        }).catch(function (error) {
          text.textContent = t("batch_stopped", "Terhenti: {error} Tekan tombol lagi untuk melanjutkan.", { error: error.message });
          button.disabled = false;
        });
      };
      step(null);
    });
  });
})();
