/* The editor saves a draft by itself while its author types (templates/authoring/editor.html).
 *
 * Only a form that carries data-autosave-url does this: a new article or a draft. A published
 * or scheduled article changes only when its author presses Update, so readers never see
 * half-typed text. Every N seconds (data-autosave-seconds), when something changed since the
 * last save, the form's fields go, with its CSRF token, to the autosave URL; the server saves
 * them through the editor's own save path and answers JSON. The first save of a new article
 * creates the draft: the form then posts to its edit page and the address bar shows it.
 * Without JavaScript the form saves when its buttons are pressed, as always.
 */
(function () {
  "use strict";

  function start(form) {
    var url = form.getAttribute("data-autosave-url");
    var seconds = parseFloat(form.getAttribute("data-autosave-seconds")) || 30;
    var status = document.getElementById("autosave-status");
    var changes = 0;      // edits since the page loaded
    var savedAt = 0;      // the edit count the last save carried
    var busy = false;
    var submitted = false;

    function say(text) {
      if (status) status.textContent = text;
    }

    function firstError(errors) {
      for (var name in errors) {
        if (Object.prototype.hasOwnProperty.call(errors, name) && errors[name].length) {
          var input = form.elements[name];
          var label = input && input.labels && input.labels[0];
          var field = label ? label.textContent.trim() + ": " : "";
          return field + errors[name][0];
        }
      }
      return "check the fields.";
    }

    function save() {
      if (busy || submitted || changes === savedAt) return;
      var title = form.elements.title;
      if (title && !title.value.trim()) {
        say("The draft saves itself once it has a title.");
        return;
      }
      busy = true;
      var carrying = changes;
      fetch(url, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { "Accept": "application/json" }
      }).then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (data) {
          if (response.ok) {
            savedAt = carrying;
            if (data.autosave_url) url = data.autosave_url;
            if (data.edit_url && form.getAttribute("action") !== data.edit_url) {
              form.setAttribute("action", data.edit_url);
              if (window.history && history.replaceState) {
                history.replaceState(null, "", data.edit_url);
              }
            }
            say(data.saved_label || "Draft saved.");
          } else if (response.status === 422 && data.errors) {
            say("Draft not saved yet: " + firstError(data.errors));
          } else if (response.status === 400) {
            say("Draft not saved: the page's security token expired. Save it with the button.");
          } else {
            say(data.error || "Draft not saved (the server answered " + response.status + ").");
          }
        });
      }).catch(function () {
        say("Draft not saved: the site could not be reached. It will try again.");
      }).then(function () {
        busy = false;
      });
    }

    form.addEventListener("input", function () { changes += 1; });
    form.addEventListener("change", function () { changes += 1; });
    form.addEventListener("submit", function () { submitted = true; });
    window.setInterval(save, seconds * 1000);
  }

  function init() {
    if (!window.fetch || !window.FormData) return;
    var forms = document.querySelectorAll("form.editor[data-autosave-url]");
    for (var i = 0; i < forms.length; i += 1) start(forms[i]);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
