// Parley's comment form, improved when JavaScript runs: Reply opens the form under the
// comment without leaving the page, and posting, previewing and errors happen in place.
// Without JavaScript the same links and forms work through ordinary page loads.
(function () {
  "use strict";

  function respond() { return document.getElementById("respond"); }
  function depthOf(item) {
    var match = /(?:^|\s)depth-(\d+)/.exec(item.className);
    return match ? Number(match[1]) : 0;
  }
  var home = null; // where the form sits when it is not under a comment

  function rememberHome() {
    var form = respond();
    if (form && !home) {
      home = document.createElement("div");
      home.id = "respond-home";
      // Opened with ?replytocom=N the page shows the form under that comment: its home is
      // then the end of the discussion, where the page puts it otherwise.
      var responses = document.getElementById("responses");
      if (form.closest("li.response") && responses) responses.appendChild(home);
      else form.parentNode.insertBefore(home, form);
    }
  }

  function setParent(id, name) {
    var section = respond();
    var input = section.querySelector("input[name=parent_id]");
    if (input) input.value = id || "";
    var heading = section.querySelector("#respond-heading");
    if (heading) {
      heading.textContent = id ? "Reply to " : "Leave a comment";
      if (id) {
        // Isolated, as the server shows names: a name's direction cannot turn the heading.
        var who = document.createElement("bdi");
        who.textContent = name;
        heading.appendChild(who);
      }
    }
    // A reply is never a question: its box goes while replying, and comes back after.
    var asking = section.querySelector("[data-question-fields]");
    if (asking) {
      asking.hidden = !!id;
      if (id) asking.querySelector("input[name=is_question]").checked = false;
    }
    var cancel = section.querySelector("[data-cancel-reply]");
    if (!cancel && id) {
      var p = document.createElement("p");
      p.className = "cancel-reply";
      p.innerHTML = '<a href="#respond" data-cancel-reply>Cancel reply</a>';
      heading.insertAdjacentElement("afterend", p);
    } else if (cancel && !id) {
      cancel.parentNode.remove();
    }
  }

  function openReply(link) {
    rememberHome();
    var item = document.getElementById("comment-" + link.dataset.replyTo);
    var section = respond();
    if (!item || !section) return false;
    item.querySelector(".response-card").insertAdjacentElement("afterend", section);
    setParent(link.dataset.replyTo, link.dataset.replyName || "this comment");
    var body = section.querySelector("textarea");
    if (body) body.focus();
    return true;
  }

  function cancelReply() {
    rememberHome();
    var section = respond();
    if (home && section) home.insertAdjacentElement("afterend", section);
    setParent(null);
  }

  document.addEventListener("click", function (event) {
    var reply = event.target.closest("a[data-reply-to]");
    if (reply && openReply(reply)) { event.preventDefault(); return; }
    if (event.target.closest("[data-cancel-reply]")) { event.preventDefault(); cancelReply(); }
  });

  // Put a new response where the server shows it: under the response its stored path names
  // as its parent (at the depth limit, an ancestor of the one replied to), or after that
  // response's thread when the list is shown flat there.
  function insertResponse(item) {
    var list = document.getElementById("response-list");
    var parts = (item.dataset.path || "").split(".");
    parts.pop();
    var parent = null;
    while (parts.length && !parent) {
      parent = list.querySelector('li[data-path="' + parts.join(".") + '"]');
      if (!parent) parts.pop();  // hidden: the nearest shown ancestor holds it
    }
    if (!parent) {
      list.appendChild(item);
    } else if (depthOf(item) > depthOf(parent)) {
      var children = parent.querySelector(":scope > ol.children");
      if (!children) {
        children = document.createElement("ol");
        children.className = "children";
        parent.appendChild(children);
      }
      children.appendChild(item);
    } else {
      var prefix = parent.dataset.path + ".";
      var after = parent;
      var sibling = parent.nextElementSibling;
      while (sibling && (sibling.dataset.path || "").indexOf(prefix) === 0) {
        after = sibling;
        sibling = sibling.nextElementSibling;
      }
      after.insertAdjacentElement("afterend", item);
    }
  }

  // What was typed, to put back into a form the server could not read (too large).
  function typed(form) {
    var values = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || /^(csrf_token|stamp|parent_id|homepage)$/.test(el.name)) return;
      if (el.type === "checkbox") values[el.name] = el.checked;
      else if (el.type !== "submit" && el.type !== "hidden") values[el.name] = el.value;
    });
    return values;
  }

  function putBack(form, values) {
    Object.keys(values).forEach(function (name) {
      var el = form.elements.namedItem(name);
      if (!el || !el.type) return;
      if (el.type === "checkbox") el.checked = values[name];
      else el.value = values[name];
    });
  }

  function busy(form, on) {
    if (on) form.setAttribute("aria-busy", "true");
    else form.removeAttribute("aria-busy");
    Array.prototype.forEach.call(form.querySelectorAll("button, input[type=submit]"),
      function (button) { button.disabled = on; });
  }

  // Say beside the buttons why the comment did not go through; the form stays as it is.
  function say(section, message) {
    var box = section && section.querySelector("[data-form-status]");
    if (!box) return;
    box.textContent = "";
    if (!message) return;
    var note = document.createElement("p");
    note.className = "error form-error";
    note.setAttribute("role", "alert");
    note.textContent = message;
    box.appendChild(note);
  }

  // The heading and first paragraph of an error page in the site's look.
  function pageMessage(html) {
    var page = new DOMParser().parseFromString(html, "text/html");
    var main = page.querySelector("main") || page.body;
    var title = main && main.querySelector("h1");
    var text = title && title.nextElementSibling;
    return [title, text].filter(Boolean).map(function (el) {
      return el.textContent.trim();
    }).join(": ");
  }

  function failure(status, html) {
    if (status >= 500) {
      return "Your comment was not posted: the site hit an error (" + status + "). " +
        "Your text is still here; send it again in a moment.";
    }
    var said = "";
    try { said = pageMessage(html); } catch (error) { said = ""; }
    return "Your comment was not posted" + (said ? " (" + said + ")" : " (error " + status + ")") +
      ". Your text is still here.";
  }

  var OFFLINE = "Your comment could not be sent: the connection to the site failed. " +
    "Your text is still here; check your connection and send it again.";

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("[data-comment-form]") || !window.fetch) return;
    event.preventDefault();
    if (form.getAttribute("aria-busy") === "true") return;  // one post at a time
    var data = new FormData(form);
    var button = event.submitter;
    if (button && button.name) data.append(button.name, button.value);
    var parentId = data.get("parent_id");
    var values = typed(form);
    say(respond(), "");
    busy(form, true);
    fetch(form.action, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "X-Parley-Fragment": "1" }
    }).then(function (answer) {
      return answer.text().then(function (html) {
        return { status: answer.status, html: html,
                 isForm: answer.headers.get("X-Parley-Form") === "1" };
      });
    }).then(function (result) {
      var section = respond();
      if (result.status === 201) {
        var holder = document.createElement("ol");
        holder.innerHTML = result.html.trim();
        var item = holder.firstElementChild;
        insertResponse(item);
        var empty = document.getElementById("no-responses");
        if (empty) empty.remove();
        form.querySelector("textarea").value = "";
        var preview = section.querySelector(".comment-preview");
        if (preview) preview.remove();
        busy(form, false);
        cancelReply();
        item.scrollIntoView({ block: "center" });
        item.setAttribute("tabindex", "-1");
        item.focus();
      } else if (result.isForm) {
        // The form again from the server: a preview, or why it was refused (fields, too many
        // posts, too large, an expired form), with the text kept.
        var wrapper = document.createElement("div");
        wrapper.innerHTML = result.html.trim();
        var fresh = wrapper.firstElementChild;
        section.replaceWith(fresh);
        // Too large: the server never read the text, but it is still here.
        if (result.status === 413) putBack(fresh.querySelector("form"), values);
        var parentName = parentId && document.querySelector('a[data-reply-to="' + parentId + '"]');
        if (parentId) setParent(parentId, parentName ? parentName.dataset.replyName : "this comment");
        var focus = fresh.querySelector("[aria-invalid=true]") || fresh.querySelector("#form-error") ||
          fresh.querySelector(".comment-preview");
        if (focus) {
          if (!focus.matches("input, textarea, select")) focus.setAttribute("tabindex", "-1");
          focus.focus();
        }
      } else {
        busy(form, false);
        say(section, failure(result.status, result.html));
      }
    }).catch(function () {
      busy(form, false);
      say(respond(), OFFLINE);
    });
  });
})();
