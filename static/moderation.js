// The moderation queue without page reloads: each action posts the queue's own form and
// swaps in the queue the server sends back. Without JavaScript the same form posts normally.
// Also: Undo in the row a Spam or Trash left, Quick Edit and Reply opened in the row, and a
// dialog before Empty Spam / Empty Trash (each has its own page without JavaScript).
(function () {
  "use strict";

  function swapQueue(fresh, places) {
    document.getElementById("queue").replaceWith(fresh);
    // Each Undo goes where its row was.
    var body = fresh.querySelector(".queue-table tbody");
    if (body && places) {
      fresh.querySelectorAll("[data-undo-for]").forEach(function (undo) {
        var at = places[undo.getAttribute("data-undo-for")];
        if (at === undefined) return;
        var rows = Array.prototype.filter.call(body.children, function (row) {
          return row !== undo;
        });
        body.insertBefore(undo, rows[at] || null);
      });
    }
    var badge = document.querySelector(".nav .badge");
    var pending = fresh.querySelector('[data-count="pending"]');
    if (badge && pending) {
      var count = pending.textContent.replace(/[()]/g, "");
      badge.textContent = count;
      badge.setAttribute("aria-label", count + " pending");
    }
    var undoButton = fresh.querySelector(".undo button");
    var status = fresh.querySelector(".flashes");
    if (undoButton) undoButton.focus();
    else if (status) status.setAttribute("tabindex", "-1"), status.focus();
  }

  function queueFrom(html) {
    var holder = document.createElement("div");
    holder.innerHTML = html.trim();
    return holder.querySelector("#queue") || holder.firstElementChild;
  }

  // Where each row about to be acted on sits, by id.
  function placesOf(form, button) {
    var places = {};
    var rows = Array.prototype.slice.call(form.querySelectorAll(".queue-table tbody > tr"));
    var ids = [];
    if (button && button.name === "row_action") ids.push(button.value.split(":")[1]);
    else form.querySelectorAll("input[name=ids]:checked").forEach(function (box) {
      ids.push(box.value);
    });
    ids.forEach(function (id) {
      var row = document.getElementById("row-" + id);
      if (row) places[id] = rows.indexOf(row);
    });
    return places;
  }

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
    var places = placesOf(form, button);
    fetch(form.action, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "X-Parley-Fragment": "1" }
    }).then(function (answer) {
      if (!answer.ok) throw new Error(answer.status);
      return answer.text();
    }).then(function (html) {
      swapQueue(queueFrom(html), places);
    }).catch(function () { form.submit(); });
  });

  // Quick Edit and Reply in the row: the fields of their page, posted to it.
  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-inline]");
    if (!link || !window.fetch) return;
    var row = link.closest("tr");
    if (!row) return;
    event.preventDefault();
    openInline(link.href, row, link.getAttribute("data-inline"));
  });

  function openInline(url, row, kind, html) {
    var next = row.nextElementSibling;
    if (next && next.classList.contains("inline-form")) next.remove();
    var load = html ? Promise.resolve(html) : fetch(url, { credentials: "same-origin" })
      .then(function (answer) { return answer.text(); });
    load.then(function (page) {
      var holder = document.createElement("div");
      holder.innerHTML = page;
      var source = holder.querySelector("main form[method=post]");
      if (!source) { window.location.href = url; return; }
      var editor = document.createElement("tr");
      editor.className = "inline-form";
      editor.setAttribute("data-inline-for", row.id);
      var cell = document.createElement("td");
      cell.colSpan = row.children.length;
      var box = document.createElement("div");
      box.setAttribute("role", "group");
      box.setAttribute("aria-label", kind === "edit" ? "Quick edit" : "Reply");
      var title = holder.querySelector("main h1");
      if (title) {
        var heading = document.createElement("h2");
        heading.textContent = title.textContent;
        box.appendChild(heading);
      }
      // The fields only: a form cannot sit inside the queue's form.
      Array.prototype.slice.call(source.childNodes).forEach(function (node) {
        box.appendChild(node);
      });
      box.querySelectorAll("button[type=submit], input[type=submit]").forEach(function (submit) {
        var save = document.createElement("button");
        save.type = "button";
        save.className = "button";
        save.textContent = submit.value || submit.textContent;
        save.setAttribute("data-inline-save", "");
        submit.replaceWith(save);
      });
      box.querySelectorAll(".actions a").forEach(function (cancel) {
        var close = document.createElement("button");
        close.type = "button";
        close.className = "link-button";
        close.textContent = "Cancel";
        close.addEventListener("click", function () { editor.remove(); });
        cancel.replaceWith(close);
      });
      box.querySelector("[data-inline-save]").addEventListener("click", function () {
        var data = new FormData();
        box.querySelectorAll("input, textarea, select").forEach(function (field) {
          if (field.name && !(field.type === "checkbox" && !field.checked)) {
            data.append(field.name, field.value);
          }
        });
        fetch(url, { method: "POST", body: data, credentials: "same-origin" })
          .then(function (answer) {
            return answer.text().then(function (text) { return [answer, text]; });
          }).then(function (pair) {
            var answer = pair[0], text = pair[1];
            if (answer.status === 422) { openInline(url, row, kind, text); return; }
            if (!answer.ok) throw new Error(answer.status);
            var fresh = queueFrom(text);
            if (fresh && fresh.id === "queue") {
              // The page it went back to is the whole queue: keep this one's filters.
              return fetch(window.location.href, { credentials: "same-origin" })
                .then(function (again) { return again.text(); })
                .then(function (page) { swapQueue(queueFrom(page)); });
            }
            window.location.reload();
          }).catch(function () { window.location.href = url; });
      });
      cell.appendChild(box);
      editor.appendChild(cell);
      row.after(editor);
      var first = box.querySelector("textarea, input:not([type=hidden])");
      if (first) first.focus();
    }).catch(function () { window.location.href = url; });
  }

  // Empty Spam / Empty Trash: a dialog, then the confirmation page's own post.
  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-empty]");
    if (!link) return;
    event.preventDefault();
    var count = link.getAttribute("data-empty");
    if (!window.confirm("Delete the " + count + " responses here permanently? They cannot be " +
                        "restored.")) return;
    var form = document.createElement("form");
    form.method = "post";
    form.action = link.href;
    var token = document.querySelector("#queue input[name=csrf_token]");
    [["csrf_token", token ? token.value : ""], ["confirm", "yes"]].forEach(function (pair) {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = pair[0];
      input.value = pair[1];
      form.appendChild(input);
    });
    document.body.appendChild(form);
    form.submit();
  });
})();
