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
    if (heading) heading.textContent = id ? "Reply to " + name : "Leave a Comment";
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

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("[data-comment-form]") || !window.fetch) return;
    event.preventDefault();
    var data = new FormData(form);
    var button = event.submitter;
    if (button && button.name) data.append(button.name, button.value);
    var parentId = data.get("parent_id");
    fetch(form.action, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "X-Parley-Fragment": "1" }
    }).then(function (answer) {
      return answer.text().then(function (html) { return { status: answer.status, html: html }; });
    }).then(function (result) {
      var section = respond();
      if (result.status === 201) {
        var holder = document.createElement("ol");
        holder.innerHTML = result.html.trim();
        var item = holder.firstElementChild;
        var list = document.getElementById("response-list");
        var parent = parentId && document.getElementById("comment-" + parentId);
        if (parent && depthOf(item) > depthOf(parent)) {
          var children = parent.querySelector(":scope > ol.children");
          if (!children) {
            children = document.createElement("ol");
            children.className = "children";
            parent.appendChild(children);
          }
          children.appendChild(item);
        } else if (parent) {
          // At the depth limit the reply joins its parent's list, after the parent's thread,
          // where the server puts it too.
          var after = parent;
          var sibling = parent.nextElementSibling;
          while (sibling && (sibling.dataset.path || "").indexOf(parent.dataset.path + ".") === 0) {
            after = sibling;
            sibling = sibling.nextElementSibling;
          }
          after.insertAdjacentElement("afterend", item);
        } else {
          list.appendChild(item);
        }
        var empty = document.getElementById("no-responses");
        if (empty) empty.remove();
        form.querySelector("textarea").value = "";
        var preview = section.querySelector(".comment-preview");
        if (preview) preview.remove();
        cancelReply();
        item.scrollIntoView({ block: "center" });
        item.setAttribute("tabindex", "-1");
        item.focus();
      } else if (result.status === 200 || result.status === 422) {
        var wrapper = document.createElement("div");
        wrapper.innerHTML = result.html.trim();
        var fresh = wrapper.firstElementChild;
        section.replaceWith(fresh);
        var parentName = parentId && document.querySelector('a[data-reply-to="' + parentId + '"]');
        if (parentId) setParent(parentId, parentName ? parentName.dataset.replyName : "this comment");
        var focus = fresh.querySelector("[aria-invalid=true]") || fresh.querySelector(".comment-preview");
        if (focus) {
          if (!focus.matches("input, textarea, select")) focus.setAttribute("tabindex", "-1");
          focus.focus();
        }
      } else {
        form.submit();
      }
    }).catch(function () { form.submit(); });
  });
})();
