/* The secretariat's pages: dashboard self-refresh and batch generation with a progress bar.
   Local, dependency-free; every page also works without it (plain links and forms). */
(function () {
  "use strict";

  function clock() {
    var d = new Date();
    // The server writes WIB; the meeting room's clock is WIB too.
    return d.toLocaleTimeString("id-ID", { hour: "2-digit", minute: "2-digit", second: "2-digit" });
  }

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
    var refresh = function () {
      if (stopped || document.hidden) return;
      fetch(board.dataset.refreshUrl, {
        credentials: "same-origin",
        headers: { "X-Requested-With": "fetch", Accept: "text/html" },
        cache: "no-cache"
      }).then(function (response) {
        if (response.redirected || response.status === 401 || response.status === 403) {
          stopped = true;
          throw new Error("Sesi berakhir: muat ulang halaman dan masuk lagi.");
        }
        if (response.status === 304) return null;
        if (!response.ok) throw new Error("Server menjawab " + response.status + ".");
        var etag = response.headers.get("ETag");
        if (etag && etag === shown) return null;
        return response.text().then(function (html) { return { html: html, etag: etag }; });
      }).then(function (fresh) {
        if (fresh) {
          board.innerHTML = fresh.html;
          shown = fresh.etag;
        }
        failures = 0;
        if (note) {
          note.classList.remove("stale");
          note.textContent = "Diperbarui " + clock() + " WIB \u00b7 otomatis tiap " + seconds + " detik";
        }
      }).catch(function (error) {
        failures += 1;
        if (note) {
          note.classList.add("stale");
          note.textContent = "Gagal memperbarui (" + error.message + ")" +
            (stopped ? "" : " Mencoba lagi\u2026");
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
      text.textContent = "Memulai\u2026";

      var step = function (after) {
        var data = new FormData(form);
        data.set("size", size);
        if (after) data.set("after", after);
        fetch(form.action, {
          method: "POST",
          body: data,
          credentials: "same-origin",
          headers: { Accept: "application/json", "X-Requested-With": "fetch" }
        }).then(function (response) {
          return response.json().then(function (body) { return { ok: response.ok, body: body }; },
            function () { throw new Error("Server menjawab " + response.status + "."); });
        }).then(function (result) {
          var body = result.body;
          if (!result.ok) {
            throw new Error(typeof body.error === "string" ? body.error
              : (body.error && body.error.message) || "gagal");
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
          text.textContent = body.position + " dari " + body.total + " wilayah \u00b7 " + made +
            " dibuat, " + skipped + " dilewati, " + failed + " gagal";
          if (body.done) {
            text.textContent += " \u00b7 selesai.";
            button.disabled = false;
            if (!failed) setTimeout(function () { window.location.reload(); }, 1200);
          } else {
            step(body.next);
          }
        }).catch(function (error) {
          text.textContent = "Terhenti: " + error.message + " Tekan tombol lagi untuk melanjutkan.";
          button.disabled = false;
        });
      };
      step(null);
    });
  });
})();
