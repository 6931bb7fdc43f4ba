// greyrock web: quick exit, the idle lock, the passphrase meter. No inline script anywhere
// (the Content-Security-Policy forbids it); the pages work without this file.
(function () {
  "use strict";
  function quickExit() {
    // replace() leaves this page out of the tab's history: Back does not return to it.
    window.location.replace("/away");
  }
  // A page brought back by Back from the browser's memory (its back/forward cache) may be one
  // from before a lock or the quick exit: hide it and ask the server again, which knows.
  window.addEventListener("pageshow", function (e) {
    if (e.persisted) { document.body.hidden = true; window.location.reload(); }
  });
  var exit = document.getElementById("quick-exit");
  if (exit) {
    exit.addEventListener("click", function (e) { e.preventDefault(); quickExit(); });
  }
  var escapes = [];
  document.addEventListener("keydown", function (e) {
    if (e.key !== "Escape") { return; }
    var now = Date.now();
    escapes = escapes.filter(function (t) { return now - t < 1500; });
    escapes.push(now);
    if (escapes.length >= 3) { quickExit(); }
  });

  // The idle lock: the server locks by itself; this takes the page off the screen too.
  var body = document.body;
  var idle = parseInt(body.getAttribute("data-idle") || "0", 10);
  if (idle > 0 && body.getAttribute("data-unlocked") === "yes") {
    var timer = null;
    var told = Date.now();
    var tell = function () {
      // the server's own idle lock only sees requests: tell it, at most once a minute, that
      // the reader is still here (typing a long entry is use)
      var token = document.querySelector("input[name=csrf]");
      if (!token || Date.now() - told < 60000) { return; }
      told = Date.now();
      var data = new FormData();
      data.append("csrf", token.value);
      fetch("/alive", { method: "POST", body: data, credentials: "same-origin" }).catch(function () {});
    };
    var reset = function () {
      tell();
      if (timer) { clearTimeout(timer); }
      timer = setTimeout(function () {
        var form = document.getElementById("lock-form");
        if (form) { form.submit(); } else { window.location.replace("/"); }
      }, idle * 1000);
    };
    ["keydown", "mousedown", "touchstart", "scroll"].forEach(function (name) {
      document.addEventListener(name, reset, { passive: true });
    });
    reset();
  }

  // The strength meter: asks the server (greyrock.passphrase), never shows the passphrase.
  var field = document.getElementById("new-passphrase");
  var meter = document.getElementById("meter");
  if (field && meter) {
    var pending = null;
    // A reading still waiting when the form is sent would be asked with the page's old
    // token after the case opens (a 403 in the log): the form's own check decides now.
    document.getElementById("create-form").addEventListener("submit", function () {
      if (pending) { clearTimeout(pending); pending = null; }
    });
    field.addEventListener("input", function () {
      if (pending) { clearTimeout(pending); }
      pending = setTimeout(function () {
        var form = document.getElementById("create-form");
        var data = new FormData();
        data.append("csrf", form.elements.csrf.value);
        data.append("passphrase", field.value);
        data.append("path", form.elements.path.value);
        fetch("/strength", { method: "POST", body: data, credentials: "same-origin" })
          .then(function (r) { return r.json(); })
          .then(function (s) {
            meter.className = "meter " + (s.weak ? "weak" : "strong");
            meter.textContent = (s.weak ? "Weak: could be guessed in " : "Strong: would take ") + s.guess_time +
              (s.reason ? ". " + s.reason : ".");
          })
          .catch(function () { meter.textContent = ""; });
      }, 300);
    });
  }

  // The import's progress: the upload is sent with XMLHttpRequest (its upload events give
  // the bytes sent), then /import/progress is asked every half second for the records read
  // and screened. The answer, the same page the plain form POST gives, replaces <main>.
  // Without this file the form posts as usual and the page says it is busy.
  var importForm = document.getElementById("import-form");
  var shown = document.getElementById("import-progress");
  if (importForm && shown && window.XMLHttpRequest && window.FormData && window.DOMParser) {
    importForm.addEventListener("submit", function (e) {
      e.preventDefault();
      var bar = document.getElementById("import-bar");
      var status = document.getElementById("import-status");
      var button = importForm.querySelector("button[type=submit]");
      var poll = null;
      if (button) { button.disabled = true; }
      shown.hidden = false;
      status.textContent = "Sending the files…";
      var ask = function () {
        fetch("/import/progress", { credentials: "same-origin" })
          .then(function (r) { return r.json(); })
          .then(function (p) {
            if (!p.running) { return; }
            bar.removeAttribute("value");  // no total is known while reading: an indeterminate bar
            status.textContent = (p.files > 1 ? "File " + Math.min(p.files_done + 1, p.files) + " of " + p.files + ": " : "") +
              p.read.toLocaleString() + " records read, " + p.screened.toLocaleString() + " messages screened…";
          })
          .catch(function () { /* the next tick tries again */ });
      };
      var xhr = new XMLHttpRequest();
      xhr.open("POST", importForm.action);
      xhr.upload.addEventListener("progress", function (ev) {
        if (ev.lengthComputable) { bar.max = ev.total; bar.value = ev.loaded; }
      });
      xhr.upload.addEventListener("load", function () {
        status.textContent = "Reading and screening…";
        bar.removeAttribute("value");
        poll = setInterval(ask, 500);
      });
      xhr.addEventListener("load", function () {
        if (poll) { clearInterval(poll); }
        var page = new DOMParser().parseFromString(xhr.responseText, "text/html");
        var main = page.querySelector("main");
        if (main) { document.querySelector("main").replaceWith(main); } else { window.location.replace("/import"); }
      });
      xhr.addEventListener("error", function () {
        if (poll) { clearInterval(poll); }
        status.textContent = "greyrock could not be reached. Is it still running?";
        if (button) { button.disabled = false; }
      });
      xhr.send(new FormData(importForm));
    });
  }
})();
