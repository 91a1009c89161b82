// "Tải lên tài liệu": each file is sent on its own (one request, FormData, the CSRF header),
// with a bar for the sending (xhr.upload.onprogress), then for the server's processing (the
// item's status, polled every second until it is done). A refused file shows the server's
// message and the others go on.
(function () {
  "use strict";
  var form = document.getElementById("library-upload");
  if (!form) return;
  var input = document.getElementById("library-upload-files");
  var zone = form.querySelector("[data-dropzone]");
  var rows = document.querySelector("[data-results] tbody");
  var maxBytes = parseInt(form.dataset.maxBytes, 10) || 0;
  var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var queue = [];
  var busy = false;

  function cell(tr, text) {
    var td = document.createElement("td");
    if (text !== undefined) td.textContent = text;
    tr.appendChild(td);
    return td;
  }

  function row(file) {
    var tr = document.createElement("tr");
    cell(tr, file.name);
    var bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    var progress = cell(tr);
    var label = document.createElement("span");
    label.textContent = " " + form.dataset.waiting;
    progress.appendChild(bar);
    progress.appendChild(label);
    var result = cell(tr);
    rows.appendChild(tr);
    return { tr: tr, bar: bar, label: label, result: result };
  }

  function fail(view, message) {
    view.tr.dataset.state = "refused";
    view.bar.value = 0;
    view.label.textContent = "";
    view.result.className = "help-critical";
    view.result.textContent = message;
  }

  function done(view, data) {
    view.tr.dataset.state = "done";
    view.label.textContent = " " + form.dataset.done;
    view.result.textContent = "";
    var link = document.createElement("a");
    link.href = data.edit_url;
    link.textContent = data.title + " — " + form.dataset.open;
    view.result.appendChild(link);
  }

  function poll(view, data) {
    var xhr = new XMLHttpRequest();
    xhr.open("GET", data.status_url);
    xhr.onload = function () {
      if (xhr.status !== 200) {
        done(view, data);
        return;
      }
      var status = JSON.parse(xhr.responseText);
      view.bar.value = status.progress;
      view.label.textContent = " " + status.label + " (" + status.progress + "%)";
      if (status.done) {
        done(view, data);
        if (status.error) {
          var note = document.createElement("div");
          note.className = "help-critical";
          note.textContent = status.error;
          view.result.appendChild(note);
        }
      } else {
        window.setTimeout(function () { poll(view, data); }, 1000);
      }
    };
    xhr.onerror = function () { window.setTimeout(function () { poll(view, data); }, 2000); };
    xhr.send();
  }

  function send(file, view, next) {
    if (maxBytes && file.size > maxBytes) {
      fail(view, form.dataset.tooBig);
      next();
      return;
    }
    var data = new FormData();
    form.querySelectorAll("fieldset select, fieldset input").forEach(function (field) {
      if ((field.type === "checkbox" || field.type === "radio") && !field.checked) return;
      if (field.name) data.append(field.name, field.value);
    });
    data.append("file", file, file.name);
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.setRequestHeader("X-CSRFToken", token);
    xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    xhr.upload.onprogress = function (event) {
      if (event.lengthComputable) {
        var percent = Math.round(event.loaded * 100 / event.total);
        view.bar.value = percent;
        view.label.textContent = " " + form.dataset.sending + " " + percent + "%";
      }
    };
    xhr.onload = function () {
      var answer = {};
      try { answer = JSON.parse(xhr.responseText); } catch (e) { answer = {}; }
      if (xhr.status === 200 && answer.id) {
        view.bar.value = answer.progress || 0;
        view.label.textContent = " " + form.dataset.processing;
        poll(view, answer);
      } else {
        fail(view, answer.error || form.dataset.failed);
      }
      next();
    };
    xhr.onerror = function () {
      fail(view, form.dataset.failed);
      next();
    };
    xhr.send(data);
  }

  function pump() {
    if (busy) return;
    var entry = queue.shift();
    if (!entry) return;
    busy = true;
    send(entry.file, entry.view, function () {
      busy = false;
      pump();
    });
  }

  function add(files) {
    Array.prototype.forEach.call(files, function (file) {
      queue.push({ file: file, view: row(file) });
    });
    pump();
  }

  input.addEventListener("change", function () {
    add(input.files);
    input.value = "";
  });
  ["dragenter", "dragover"].forEach(function (name) {
    zone.addEventListener(name, function (event) {
      event.preventDefault();
      zone.classList.add("is-dragging");
    });
  });
  ["dragleave", "drop"].forEach(function (name) {
    zone.addEventListener(name, function (event) {
      event.preventDefault();
      zone.classList.remove("is-dragging");
    });
  });
  zone.addEventListener("drop", function (event) {
    if (event.dataTransfer && event.dataTransfer.files) add(event.dataTransfer.files);
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
  });
})();
