// Behaviour every page may use, kept out of the templates (no inline script: a
// Content-Security-Policy forbids it).
//
// <select data-autosubmit>: choosing an option submits its form, so linked pickers (a
// form, then its periods; the language) take effect at once. The form's own button
// stays for browsers without script.
document.addEventListener("change", (event) => {
  const select = event.target;
  if (select instanceof HTMLSelectElement && select.dataset.autosubmit !== undefined && select.form) {
    select.form.requestSubmit();
  }
});
