/* Officials' pages: signing form, bulk signing with a progress bar, double-submit protection.
   Local and dependency-free; every page works without it (the forms post normally). */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // Texts in the reader's language, from the page's #js-texts block (static/shared.js).
  var t = window.SigningTexts("js-texts");

  // --- double-click protection: a form marked data-once is submitted once -----------------
  function lockForm(form, text) {
    form.dataset.submitting = "1";
    form.setAttribute("aria-busy", "true");
    form.querySelectorAll("button[type=submit], [data-submit-button]").forEach(function (button) {
      button.dataset.label = button.dataset.label || button.textContent;
      // Disabled after the event: the browser has already built the form data by then.
      window.setTimeout(function () { button.disabled = true; }, 0);
      if (text) button.textContent = text;
    });
  }
  function unlockForm(form) {
    delete form.dataset.submitting;
    form.removeAttribute("aria-busy");
    form.querySelectorAll("button[type=submit], [data-submit-button]").forEach(function (button) {
      button.disabled = false;
      if (button.dataset.label) button.textContent = button.dataset.label;
    });
  }
  document.querySelectorAll("form[data-once]").forEach(function (form) {
    if (form.hasAttribute("data-bulk-form")) return; // handled below
    form.addEventListener("submit", function (event) {
      if (form.dataset.submitting) { event.preventDefault(); return; }
      lockForm(form, t("processing", "Memproses\u2026"));
    });
  });
  // Back/forward cache: a page shown again must be usable again.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) document.querySelectorAll("form[data-once]").forEach(unlockForm);
  });

  // --- signing form: sentence, button, highlighted field and inputs follow the choice -----
  var signForm = document.querySelector("form[data-sign-form]");
  if (signForm) {
    var sentence = document.getElementById("kalimat-tindakan");
    var button = signForm.querySelector("[data-submit-button]");
    var attests = document.getElementById("attests");
    var reason = document.getElementById("reason");
    var passphrase = document.getElementById("passphrase");
    var current = function () { return signForm.querySelector("input[name=choice]:checked"); };
    var update = function () {
      var radio = current();
      if (!radio) return;
      var kind = radio.dataset.kind;
      var text = radio.dataset.sentence;
      if (kind === "witness" && attests && attests.tagName === "SELECT") {
        var option = attests.options[attests.selectedIndex];
        if (option && option.dataset.sentence) text = option.dataset.sentence;
      }
      if (sentence) sentence.textContent = text;
      if (button) { button.textContent = radio.dataset.submit; button.dataset.label = radio.dataset.submit; }
      signForm.querySelectorAll("[data-for-kind]").forEach(function (block) {
        var shown = block.dataset.forKind.split(" ").indexOf(kind) !== -1;
        block.hidden = !shown;
        block.querySelectorAll("input, select, textarea").forEach(function (input) { input.disabled = !shown; });
      });
      if (reason) reason.required = kind === "decline";
      if (passphrase) passphrase.required = true;  // a decline is an act too
      if (button) button.classList.toggle("danger", kind === "decline");
      document.querySelectorAll(".mark").forEach(function (mark) {
        mark.classList.toggle("is-active", mark.dataset.field === radio.dataset.field && radio.dataset.field !== "");
      });
    };
    signForm.querySelectorAll("input[name=choice]").forEach(function (radio) {
      radio.addEventListener("change", update);
    });
    if (attests && attests.tagName === "SELECT") attests.addEventListener("change", update);
    update();
    var error = document.getElementById("galat");
    if (error) error.focus();
  }
  var done = document.getElementById("hasil");
  if (done) done.focus();

  // --- signing desk: countdown to the server's deadline, a warning, "Tambah waktu" --------
  // The server holds the deadline and refuses after it; this shows it, warns warn seconds
  // before (once, in a live region: the ticking clock itself is not announced) and returns
  // the device to the board at zero.
  var timer = document.querySelector("[data-desk-timer]");
  if (timer) {
    var clock = timer.querySelector("[data-timer-clock]");
    var warning = timer.querySelector("[data-timer-warning]");
    var extendForm = timer.querySelector("[data-timer-extend]");
    var extendButton = timer.querySelector("[data-timer-button]");
    var extendLeft = timer.querySelector("[data-timer-left]");
    var warnAt = Number(timer.dataset.warn) || 60;
    var deadline = Date.now() + Number(timer.dataset.remaining || 0) * 1000;
    var warned = Number(timer.dataset.remaining || 0) <= warnAt;
    var handle = null;
    var format = function (seconds) {
      return Math.floor(seconds / 60) + ":" + String(seconds % 60).padStart(2, "0");
    };
    var tick = function () {
      var remaining = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
      clock.textContent = format(remaining);
      timer.classList.toggle("is-warning", remaining <= warnAt);
      if (remaining <= warnAt && !warned) {
        warned = true;
        warning.textContent = t("desk_warning",
          "Waktu Anda di meja hampir habis: sisa {time}. Tekan \u201eTambah waktu\u201d bila masih memerlukan waktu.",
          { time: format(remaining) });
      }
      if (remaining <= 0) {
        window.clearInterval(handle);
        window.location.assign(timer.dataset.boardUrl);
      }
    };
    handle = window.setInterval(tick, 1000);
    tick();
    if (extendForm) extendForm.addEventListener("submit", function (event) {
      event.preventDefault();
      if (extendForm.dataset.submitting) return;
      extendForm.dataset.submitting = "1";
      window.SigningPost(extendForm.action, new FormData(extendForm)).then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (type.indexOf("application/json") === -1) throw new Error(String(response.status));
        return response.json();
      }).then(function (body) {
        delete extendForm.dataset.submitting;
        if (typeof body.remaining === "number") {
          deadline = Date.now() + body.remaining * 1000;
          warned = body.remaining <= warnAt;
        }
        if (typeof body.extensions_left === "number") {
          extendLeft.textContent = t("desk_left", "Dapat ditambah {n} kali lagi.", { n: body.extensions_left });
          if (body.extensions_left <= 0) extendButton.disabled = true;
        }
        warning.textContent = body.ok
          ? t("desk_extended", "Waktu ditambah: sisa {time}.", { time: format(Math.max(0, body.remaining)) })
          : body.message;
        tick();
      }).catch(function () {
        // Without an answer we can read (an expired form, a lost session): post normally.
        delete extendForm.dataset.submitting;
        HTMLFormElement.prototype.submit.call(extendForm);
      });
    });
  }

  // --- after a bulk run the list is drawn again from the server (see finish() below); the run's
  // summary, kept in sessionStorage across that redraw, is shown once at the top of the page.
  var SUMMARY_KEY = "signing.bulkSummary";
  (function showBulkSummary() {
    var stored = null;
    try {
      stored = JSON.parse(window.sessionStorage.getItem(SUMMARY_KEY) || "null");
      window.sessionStorage.removeItem(SUMMARY_KEY);
    } catch (e) { stored = null; }
    var main = document.getElementById("isi");
    if (!stored || !main || stored.path !== window.location.pathname) return;
    var box = document.createElement("div");
    box.id = "bulk-summary";
    box.className = "flash flash-success bulk-summary";
    box.setAttribute("role", "status");
    box.tabIndex = -1;
    var head = document.createElement("p");
    head.textContent = stored.message;
    box.appendChild(head);
    var list = document.createElement("ol");
    list.className = "bulk-results";
    (stored.lines || []).forEach(function (entry) {
      var li = document.createElement("li");
      li.className = entry.ok ? "ok" : "failed";
      li.textContent = entry.text;
      list.appendChild(li);
    });
    box.appendChild(list);
    var heading = main.querySelector("h1");
    if (heading && heading.nextSibling) main.insertBefore(box, heading.nextSibling);
    else main.insertBefore(box, main.firstChild);
    box.focus();
  })();

  // --- bulk signing: one request per commitment, progress bar, stop on a passphrase error --
  document.querySelectorAll("form[data-bulk-form]").forEach(function (form) {
    var boxes = Array.prototype.slice.call(form.querySelectorAll("input[name=item]"));
    var all = form.querySelector("[data-select-all]");
    var count = form.querySelector("[data-bulk-count]");
    var progress = form.querySelector("[data-bulk-progress]");
    var bar = progress.querySelector("progress");
    var status = form.querySelector("[data-bulk-status]");
    var results = form.querySelector("[data-bulk-results]");
    var submit = form.querySelector("[data-submit-button]");
    var refresh = function () {
      var chosen = boxes.filter(function (box) { return box.checked && !box.disabled; }).length;
      count.textContent = t("selected", "{count} dokumen dipilih.", { count: chosen });
      if (all) {
        all.checked = chosen === boxes.length && chosen > 0;
        all.indeterminate = chosen > 0 && chosen < boxes.length;
      }
    };
    if (all) all.addEventListener("change", function () {
      boxes.forEach(function (box) { if (!box.disabled) box.checked = all.checked; });
      refresh();
    });
    boxes.forEach(function (box) { box.addEventListener("change", refresh); });
    refresh();

    var lines = [];
    var line = function (text, ok) {
      lines.push({ text: text, ok: ok });
      var li = document.createElement("li");
      li.className = ok ? "ok" : "failed";
      li.textContent = text;
      results.appendChild(li);
    };
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (form.dataset.submitting) return;
      var chosen = boxes.filter(function (box) { return box.checked && !box.disabled; });
      if (!chosen.length) {
        status.textContent = t("choose_one", "Pilih minimal satu dokumen.");
        progress.hidden = false;
        return;
      }
      lockForm(form, t("signing", "Menandatangani\u2026"));
      progress.hidden = false;
      results.innerHTML = "";
      lines = [];
      bar.max = chosen.length;
      bar.value = 0;
      var signed = 0;
      var index = 0;
      var finish = function (message, sessionOver) {
        status.textContent = message;
        if (signed > 0 && !sessionOver) {
          // Documents changed state: draw the list again at once (what is still waiting, the
          // turn texts, the counts) rather than leave stale "your turn" items and buttons.
          try {
            window.sessionStorage.setItem(SUMMARY_KEY, JSON.stringify(
              { path: window.location.pathname, message: message, lines: lines }));
            window.location.replace(window.location.pathname);
            return;
          } catch (e) { /* no storage: keep the page and offer the reload link below */ }
        }
        form.querySelector("input[name=passphrase]").value = "";
        unlockForm(form);
        submit.disabled = boxes.every(function (box) { return box.disabled; });
        var again = progress.querySelector("[data-bulk-reload]");
        if (!again) {
          again = document.createElement("p");
          again.setAttribute("data-bulk-reload", "");
          var link = document.createElement("a");
          link.href = window.location.pathname;
          link.textContent = t("reload_list", "Muat ulang daftar");
          again.appendChild(link);
          progress.appendChild(again);
        }
      };
      var next = function () {
        if (index >= chosen.length) {
          finish(t("bulk_done", "{signed} dari {total} dokumen ditandatangani.", { signed: signed, total: chosen.length }));
          return;
        }
        var box = chosen[index];
        status.textContent = t("bulk_step", "Menandatangani {index} dari {total}: {title}\u2026",
          { index: index + 1, total: chosen.length, title: box.dataset.title });
        var data = new FormData(form);
        data.delete("item");
        data.append("item", box.value);
        window.SigningPost(form.action, data).then(function (response) {
          var type = response.headers.get("Content-Type") || "";
          if (type.indexOf("application/json") === -1) {
            return { ok: false, stop: true, sessionOver: true, message: response.status === 400
              ? t("form_expired", "Formulir kedaluwarsa. Muat ulang halaman lalu coba lagi.")
              : t("session_ended", "Sesi Anda telah berakhir atau server menolak ({status}). Muat ulang halaman.",
                { status: response.status }) };
          }
          return response.json();
        }).then(function (body) {
          index += 1;
          bar.value = index;
          if (body.ok) {
            signed += 1;
            box.checked = false;
            box.disabled = true;
            var item = box.closest(".item");
            if (item) {
              item.classList.add("is-done");
              var meta = item.querySelector(".item-meta");
              if (meta && !meta.querySelector(".done-badge")) {
                var badge = document.createElement("span");
                badge.className = "badge st-signed done-badge";
                badge.textContent = t("signed_badge", "\u2713 Ditandatangani");
                meta.appendChild(badge);
              }
            }
            line(t("signed_line", "\u2713 {title}: ditandatangani.", { title: box.dataset.title }), true);
          } else {
            line("\u2717 " + box.dataset.title + ": " + body.message, false);
          }
          refresh();
          if (body.stop || body.code === "session_expired") {
            finish(t("stopped", "Dihentikan: {message} ({signed} dari {total} sudah ditandatangani.)",
              { message: body.message, signed: signed, total: chosen.length }),
              Boolean(body.sessionOver) || body.code === "session_expired");
            return;
          }
          next();
        }).catch(function () {
          finish(t("disconnected", "Koneksi terputus. {signed} dari {total} sudah ditandatangani; muat ulang daftar untuk melihat keadaannya.",
            { signed: signed, total: chosen.length }), true); // no server to redraw from
        });
      };
      next();
    });
  });
})();
