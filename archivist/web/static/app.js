// Plain script, no inline code (the Content-Security-Policy forbids it).
document.addEventListener("DOMContentLoaded", () => {
  // a form's button is disabled once it is sent, so a double click does not post twice
  for (const form of document.querySelectorAll("form[method='post']")) {
    form.addEventListener("submit", () => {
      for (const b of form.querySelectorAll("button")) b.disabled = true;
    });
  }

  // filing: files dropped on the zone go into the form's file input; the chosen names are listed
  const zone = document.getElementById("dropzone");
  const input = document.getElementById("filing-files");
  const chosen = document.getElementById("chosen");
  if (zone && input && chosen) {
    const list = () => {
      chosen.replaceChildren();
      for (const f of input.files) {
        const li = document.createElement("li");
        li.textContent = `${f.name} (${Math.max(1, Math.round(f.size / 1024))} KB)`;
        chosen.appendChild(li);
      }
    };
    input.addEventListener("change", list);
    for (const kind of ["dragenter", "dragover"]) {
      zone.addEventListener(kind, (e) => { e.preventDefault(); zone.classList.add("over"); });
    }
    zone.addEventListener("dragleave", () => zone.classList.remove("over"));
    zone.addEventListener("drop", (e) => {
      e.preventDefault();
      zone.classList.remove("over");
      const all = new DataTransfer();
      for (const f of input.files) all.items.add(f);
      for (const f of e.dataTransfer.files) all.items.add(f);
      input.files = all.files;
      list();
    });
  }

  // filing: the upload is sent in the background so its progress can be shown; the answer
  // (the page with one result per file) then replaces this page
  const filingForm = document.getElementById("filing-form");
  const bar = document.getElementById("filing-progress");
  if (filingForm && bar && window.FormData) {
    filingForm.addEventListener("submit", (e) => {
      e.preventDefault();
      const xhr = new XMLHttpRequest();
      xhr.open("POST", filingForm.action);
      xhr.upload.addEventListener("progress", (p) => {
        if (!p.lengthComputable) return;
        bar.hidden = false;
        bar.max = p.total;
        bar.value = p.loaded;
        bar.textContent = `${Math.round((100 * p.loaded) / p.total)} %`;
      });
      xhr.addEventListener("load", () => {
        document.open();
        document.write(xhr.responseText);
        document.close();
      });
      xhr.addEventListener("error", () => filingForm.submit());
      const data = new FormData(filingForm);
      for (const b of filingForm.querySelectorAll("button")) b.disabled = true;
      xhr.send(data);
    });
  }

  // generated forms: "add a row" copies a list's last row with its indexes moved on
  for (const button of document.querySelectorAll("fieldset.rows .add-row")) {
    button.addEventListener("click", () => {
      const body = button.closest("fieldset").querySelector("tbody");
      const last = body.lastElementChild;
      const index = body.children.length;
      const row = last.cloneNode(true);
      for (const field of row.querySelectorAll("input")) {
        field.name = field.name.replace(/\[\d+\]/, `[${index}]`);
        field.value = "";
      }
      body.appendChild(row);
    });
  }
});
