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
    var reset = function () {
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

  var importForm = document.getElementById("import-form");
  if (importForm) {
    importForm.addEventListener("submit", function () {
      var busy = document.getElementById("busy");
      if (busy) { busy.hidden = false; }
    });
  }
})();
