/* The intake page (dossiers/intake.html): filters the procedure list, fills the document
   checklist of the chosen procedure and previews the appointment from the API. It reads its
   data from the page: the catalogue from the json_script "procedure-catalogue", the server's
   clock and the due-date URL from the form's data-server-now and data-due-url. */
(function () {
  "use strict";
  var form = document.getElementById("intake-form");
  var catalogue = JSON.parse(document.getElementById("procedure-catalogue").textContent);
  var select = form.elements["procedure"];
  var filter = document.getElementById("procedure-filter");
  var received = form.elements["received_at"];
  var out = document.getElementById("appointment");
  var summary = document.getElementById("procedure-summary");
  var rows = document.getElementById("document-rows");
  var rowTemplate = document.getElementById("document-row-template").innerHTML;
  var total = form.elements["docs-TOTAL_FORMS"];
  var serverNow = Date.parse(form.dataset.serverNow);
  var loadedAt = Date.now();
  var requestSeq = 0;

  function fold(text) {
    return text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d");
  }

  filter.addEventListener("input", function () {
    var words = fold(filter.value).split(/\s+/).filter(Boolean);
    Array.prototype.forEach.call(select.options, function (option) {
      var text = fold(option.text);
      option.hidden = !words.every(function (w) { return text.indexOf(w) !== -1; });
    });
  });

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  // "2026-12-02T09:00:00+07:00" -> "09 giờ 00 phút, ngày 02/12/2026" (the API answers in Vietnam time).
  function formatInstant(iso) {
    var m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(iso || "");
    if (!m) { return iso; }
    return m[4] + " giờ " + m[5] + " phút, ngày " + m[3] + "/" + m[2] + "/" + m[1];
  }

  function receivedAt() {
    if (received && received.value) { return received.value; }  // local Vietnam time, no offset
    return new Date(serverNow + (Date.now() - loadedAt)).toISOString();
  }

  // Built with textContent only: nothing from the server is parsed as HTML.
  function show(text, options) {
    options = options || {};
    out.textContent = "";
    var lead = document.createElement("span");
    lead.className = options.cls || "";
    lead.textContent = text;
    out.appendChild(lead);
    if (options.strong) {
      var strong = document.createElement("strong");
      strong.textContent = options.strong;
      out.appendChild(strong);
    }
    if (options.note) {
      var note = document.createElement("span");
      note.className = "muted";
      note.textContent = " " + options.note;
      out.appendChild(note);
    }
  }

  function refreshAppointment() {
    var info = catalogue[select.value];
    if (!info) { show("Chọn thủ tục để xem ngày hẹn trả kết quả.", { cls: "muted" }); return; }
    var seq = ++requestSeq;
    var params = new URLSearchParams({
      received_at: receivedAt(), amount: info.amount, unit: info.unit, agency: info.agency
    });
    show("Đang tính ngày hẹn…", { cls: "muted" });
    fetch(form.dataset.dueUrl + "?" + params.toString(), {
      headers: { "Accept": "application/json" }, credentials: "same-origin"
    }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    }).then(function (result) {
      if (seq !== requestSeq) { return; }
      if (!result.ok) {
        var detail = result.body && (result.body.received_at || result.body.detail);
        show("Không tính được ngày hẹn. " + (detail ? String(detail) : ""), { cls: "field-error" });
        return;
      }
      show("Hẹn trả kết quả: ", {
        strong: formatInstant(result.body.due_at),
        note: "(bắt đầu tính từ " + formatInstant(result.body.start_at) + ")"
      });
    }).catch(function () {
      if (seq === requestSeq) { show("Không kết nối được máy chủ để tính ngày hẹn.", { cls: "field-error" }); }
    });
  }

  function addRow(doc) {
    var index = rows.children.length;
    var holder = document.createElement("tbody");
    holder.innerHTML = rowTemplate.replace(/__prefix__/g, String(index));
    var row = holder.firstElementChild;
    if (doc) {
      row.querySelector('[name$="-included"]').checked = true;
      row.querySelector('[name$="-name"]').value = doc.name;
      row.querySelector('[name$="-kind"]').value = doc.kind;
    }
    rows.appendChild(row);
  }

  function rebuildDocuments() {
    var info = catalogue[select.value];
    rows.innerHTML = "";
    (info ? info.documents : []).forEach(addRow);
    addRow(null);  // one free line for any other document
    total.value = String(rows.children.length);
  }

  function showSummary() {
    var info = catalogue[select.value];
    summary.hidden = !info;
    if (!info) { return; }
    summary.querySelector('[data-slot="processing_time"]').textContent = info.processing_time;
    summary.querySelector('[data-slot="online_mode"]').textContent = info.online_mode;
  }

  select.addEventListener("change", function () { showSummary(); rebuildDocuments(); refreshAppointment(); });
  if (received) { received.addEventListener("change", refreshAppointment); }
  // "Now" moves on; keep the preview honest while the officer types.
  setInterval(function () { if (!(received && received.value)) { refreshAppointment(); } }, 60000);
  showSummary();
  refreshAppointment();
})();
