/* locflow review page: keyboard shortcuts and plural-form tabs. The page works without it. */
(function () {
  "use strict";

  function byId(id) { return document.getElementById(id); }

  function typing(el) {
    return el && (el.tagName === "TEXTAREA" || el.tagName === "INPUT" || el.tagName === "SELECT" || el.isContentEditable);
  }

  function dirty() {
    var areas = document.querySelectorAll("#edit-form textarea");
    for (var i = 0; i < areas.length; i++) {
      if (areas[i].value !== areas[i].defaultValue) { return true; }
    }
    return false;
  }

  function press(id) {
    var button = byId(id);
    if (!button || button.disabled) { return false; }
    if (button.form.requestSubmit) { button.form.requestSubmit(button); } else { button.click(); }
    return true;
  }

  function follow(id) {
    var link = byId(id);
    if (!link) { return false; }
    window.location.assign(link.href);
    return true;
  }

  // Plural forms: with the script, one form at a time as tabs; without it, all forms one below the other.
  var tabs = [];
  function showTab(index) {
    var box = document.querySelector("[data-tabs]");
    if (!box) { return false; }
    var found = false;
    tabs.forEach(function (tab) {
      var on = tab.getAttribute("data-tab") === String(index);
      found = found || on;
      tab.classList.toggle("active", on);
      tab.setAttribute("aria-selected", on ? "true" : "false");
    });
    if (!found) { return false; }
    box.querySelectorAll(".form-panel").forEach(function (panel) {
      panel.hidden = panel.id !== "form-" + index;
    });
    return true;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var box = document.querySelector("[data-tabs]");
    if (box) {
      tabs = Array.prototype.slice.call(box.querySelectorAll(".tab"));
      tabs.forEach(function (tab) {
        tab.setAttribute("role", "tab");
        tab.addEventListener("click", function (ev) {
          ev.preventDefault();
          showTab(tab.getAttribute("data-tab"));
        });
      });
      var wanted = /^#form-(\d+)$/.exec(window.location.hash);
      showTab(wanted ? wanted[1] : 0);
    }
  });

  document.addEventListener("keydown", function (ev) {
    if (ev.defaultPrevented || ev.isComposing) { return; }
    var mod = ev.ctrlKey || ev.metaKey;
    if (mod && ev.key === "Enter") {
      if (press("save-next")) { ev.preventDefault(); }
      return;
    }
    if (typing(ev.target)) {
      if (ev.key === "Escape") { ev.target.blur(); }
      return;
    }
    if (mod || ev.altKey) { return; }
    var handled = false;
    switch (ev.key) {
      case "a":
        if (dirty()) {
          var note = byId("dirty-note");
          if (note) { note.hidden = false; }
          handled = true;
        } else {
          handled = press("approve-next");
        }
        break;
      case "j": case "n": handled = follow("next-entry"); break;
      case "k": case "p": handled = follow("prev-entry"); break;
      case "e":
        var area = document.querySelector("#edit-form .form-panel:not([hidden]) textarea");
        if (area) { area.focus(); handled = true; }
        break;
      case "r":
        var reason = byId("reason");
        if (reason) { reason.focus(); handled = true; }
        break;
      case "/":
        var search = byId("search");
        if (search) { search.focus(); search.select(); handled = true; }
        break;
      default:
        if (/^[1-6]$/.test(ev.key)) { handled = showTab(Number(ev.key) - 1); }
    }
    if (handled) { ev.preventDefault(); }
  });
})();
