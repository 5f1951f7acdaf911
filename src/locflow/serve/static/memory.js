/* locflow review page: take a translation-memory match into the edit field (button or Alt+1..3). */
(function () {
  "use strict";

  function use(button) {
    var forms;
    try { forms = JSON.parse(button.getAttribute("data-forms")); } catch (e) { return false; }
    var first = null;
    forms.forEach(function (text, i) {
      var area = document.getElementById("t-" + i);
      if (area) { area.value = text; first = first || area; }
    });
    if (first) { first.focus(); }
    return first !== null;
  }

  document.addEventListener("click", function (ev) {
    var button = ev.target.closest ? ev.target.closest(".use-match") : null;
    if (button) { ev.preventDefault(); use(button); }
  });

  document.addEventListener("keydown", function (ev) {
    if (!ev.altKey || ev.ctrlKey || ev.metaKey) { return; }
    var n = /^Digit([1-3])$/.exec(ev.code || "");
    var button = n ? document.getElementById("use-" + n[1]) : null;
    if (button && use(button)) { ev.preventDefault(); }
  });
})();
