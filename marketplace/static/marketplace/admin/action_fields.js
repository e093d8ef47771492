// The admin action bar shows only the inputs the chosen action uses (data-actions on each
// input), and marks the ones it requires (data-required-for). Without JavaScript every input
// shows and the server still refuses a missing required value.
(function () {
  "use strict";
  function words(input, name) {
    return (input.getAttribute(name) || "").split(" ").filter(Boolean);
  }
  function sync(select) {
    var action = select.value;
    document.querySelectorAll(".actions [data-actions]").forEach(function (input) {
      var on = words(input, "data-actions").indexOf(action) !== -1;
      var box = input.closest("label") || input;
      box.style.display = on ? "" : "none";
      input.disabled = !on;
      input.required = on && words(input, "data-required-for").indexOf(action) !== -1;
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var select = document.querySelector('.actions select[name="action"]');
    if (!select) {
      return;
    }
    sync(select);
    select.addEventListener("change", function () {
      sync(select);
    });
  });
})();
