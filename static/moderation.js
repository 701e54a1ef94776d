// The moderation queue without page reloads: each action posts the queue's own form and
// swaps in the queue the server sends back. Without JavaScript the same form posts normally.
(function () {
  "use strict";

  document.addEventListener("change", function (event) {
    if (!event.target.matches("[data-select-all]")) return;
    var form = event.target.closest("form");
    form.querySelectorAll("input[name=ids]").forEach(function (box) {
      box.checked = event.target.checked;
    });
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("[data-queue-form]") || !window.fetch) return;
    event.preventDefault();
    var data = new FormData(form);
    var button = event.submitter;
    if (button && button.name) data.append(button.name, button.value);
    fetch(form.action, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "X-Parley-Fragment": "1" }
    }).then(function (answer) {
      if (!answer.ok) throw new Error(answer.status);
      return answer.text();
    }).then(function (html) {
      var holder = document.createElement("div");
      holder.innerHTML = html.trim();
      var fresh = holder.firstElementChild;
      document.getElementById("queue").replaceWith(fresh);
      var badge = document.querySelector(".nav .badge");
      var pending = fresh.querySelector('[data-count="pending"]');
      if (badge && pending) {
        var count = pending.textContent.replace(/[()]/g, "");
        badge.textContent = count;
        badge.setAttribute("aria-label", count + " pending");
      }
      var status = fresh.querySelector(".flashes");
      if (status) status.setAttribute("tabindex", "-1"), status.focus();
    }).catch(function () { form.submit(); });
  });
})();
