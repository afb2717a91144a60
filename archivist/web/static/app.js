// Plain script, no inline code (the Content-Security-Policy forbids it): a form's button is
// disabled once it is sent, so a double click does not post twice.
document.addEventListener("DOMContentLoaded", () => {
  for (const form of document.querySelectorAll("form[method='post']")) {
    form.addEventListener("submit", () => {
      for (const b of form.querySelectorAll("button")) b.disabled = true;
    });
  }
});
