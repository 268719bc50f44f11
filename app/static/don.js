// Progressive enhancement of the donation form: the form works without it.
(function () {
  "use strict";
  var form = document.querySelector(".don-form");
  if (!form) { return; }
  var other = document.getElementById("montant_libre");
  var otherField = other ? other.closest(".don-field") : null;
  var tax = document.getElementById("don-cout-reel");
  var rate = tax ? parseInt(tax.getAttribute("data-rate"), 10) : 0;
  var sentence = tax ? tax.getAttribute("data-template") : "";  // translated by the server
  var original = tax ? tax.textContent : "";

  function selected() {
    var checked = form.querySelector("input[name=montant]:checked");
    return checked ? checked.value : "";
  }
  function amountCents() {  // integer cents, as on the server: "12,5" → 1250
    var value = selected();
    if (value !== "autre") { return (parseInt(value, 10) || 0) * 100; }
    var found = (other.value || "").replace(/[\s€]/g, "").match(/^(\d+)(?:[.,](\d{1,2}))?$/);
    if (!found) { return 0; }
    return parseInt(found[1], 10) * 100 + parseInt(((found[2] || "") + "00").slice(0, 2), 10);
  }
  function formatEuros(cents) {
    return new Intl.NumberFormat(document.documentElement.lang || "fr", {
      style: "currency", currency: "EUR", minimumFractionDigits: cents % 100 ? 2 : 0
    }).format(cents / 100);
  }
  function update() {
    if (otherField) { otherField.hidden = selected() !== "autre"; }
    if (tax && rate && sentence) {
      var cents = amountCents();
      if (cents > 0) {
        tax.textContent = sentence.replace("{cost}", formatEuros(Math.round(cents * rate / 100)));
      } else {
        tax.textContent = original;
      }
    }
  }
  form.addEventListener("change", update);
  if (other) { other.addEventListener("input", update); }
  update();
  var summary = document.getElementById("don-erreurs");
  if (summary) { summary.focus(); }
})();
