/* Behaviour shared by every page, loaded from base.html. The pages carry no inline script or
   event handler (the Content-Security-Policy forbids them): markup asks through data-* attributes.
     <form data-confirm="Question?">   asks before submitting; Cancel keeps the form unsent.
     <button data-print>               prints the page (the A4 receipts, letters and slips). */
(function () {
  "use strict";
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.dataset.confirm)) { event.preventDefault(); }
    });
  });
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
