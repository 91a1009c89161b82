/* The public catalogue: copy buttons (Clipboard API, with a selected field as the fallback),
   image zoom (buttons and the keys + − 0), facets applied as soon as one is ticked. */
(function () {
  "use strict";

  function say(button, text) {
    var status = button.parentElement.parentElement.querySelector(".copy-status") ||
      button.parentElement.querySelector(".copy-status");
    if (status) { status.textContent = text; }
  }

  function copy(button, text, field) {
    var done = function () { say(button, button.dataset.copied); };
    var failed = function () {
      if (field) { field.focus(); field.select(); }
      say(button, button.dataset.failed);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, failed);
    } else {
      failed();
    }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy], [data-copy-text]");
    if (!button) { return; }
    if (button.dataset.copy) {
      var field = document.getElementById(button.dataset.copy);
      copy(button, field.value, field);
    } else {
      copy(button, button.dataset.copyText, null);
    }
  });

  function setupZoom(figure) {
    var frame = figure.querySelector(".zoom-frame");
    var image = figure.querySelector("[data-zoom-image]");
    var scale = 1;
    function apply() {
      frame.classList.toggle("zoomed", scale > 1);
      image.style.transform = scale > 1 ? "scale(" + scale + ")" : "";
      image.style.width = scale > 1 ? frame.clientWidth + "px" : "";
    }
    function zoom(factor) {
      scale = factor === 0 ? 1 : Math.min(8, Math.max(1, scale * factor));
      apply();
    }
    figure.querySelector("[data-zoom-in]").addEventListener("click", function () { zoom(1.5); });
    figure.querySelector("[data-zoom-out]").addEventListener("click", function () { zoom(1 / 1.5); });
    figure.querySelector("[data-zoom-reset]").addEventListener("click", function () { zoom(0); });
    frame.addEventListener("keydown", function (event) {
      if (event.key === "+" || event.key === "=") { zoom(1.5); event.preventDefault(); }
      else if (event.key === "-" || event.key === "−") { zoom(1 / 1.5); event.preventDefault(); }
      else if (event.key === "0") { zoom(0); event.preventDefault(); }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-zoom]").forEach(setupZoom);
    // The facets are open beside the results on a wide screen, folded above them on a phone.
    if (window.matchMedia("(min-width: 48rem)").matches) {
      document.querySelectorAll("details[data-facets]").forEach(function (d) { d.open = true; });
    }
    document.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
      form.addEventListener("change", function (event) {
        if (event.target.matches("input[type=checkbox]")) {
          var name = event.target.name, value = event.target.value;
          form.dataset.focus = name + "=" + value;
          try { sessionStorage.setItem("library-facet-focus", form.dataset.focus); } catch (e) { /* private mode */ }
          form.requestSubmit ? form.requestSubmit() : form.submit();
        }
      });
    });
    // After a facet was ticked, keyboard focus returns to it on the new page.
    var focus = null;
    try { focus = sessionStorage.getItem("library-facet-focus"); sessionStorage.removeItem("library-facet-focus"); } catch (e) { focus = null; }
    if (focus) {
      var parts = focus.split("=");
      var box = document.querySelector("form[data-autosubmit] input[name='" + CSS.escape(parts[0]) + "'][value='" + CSS.escape(parts.slice(1).join("=")) + "']");
      if (box) { box.focus(); }
    }
  });
})();
