// Progressive enhancement of the donation form: the form works without it.
(function () {
  "use strict";
  var form = document.querySelector(".don-form");
  if (!form) { return; }
  var other = document.getElementById("montant_libre");
  var otherField = other ? other.closest(".don-field") : null;
  var tax = document.getElementById("don-cout-reel");
  var rate = tax ? parseInt(tax.getAttribute("data-rate"), 10) : 0;
  var original = tax ? tax.textContent : "";

  function selected() {
    var checked = form.querySelector("input[name=montant]:checked");
    return checked ? checked.value : "";
  }
  function amountEuros() {
    var value = selected();
    if (value === "autre") {
      var parsed = parseFloat((other.value || "").replace(/\s|€/g, "").replace(",", "."));
      return isNaN(parsed) ? 0 : parsed;
    }
    return parseInt(value, 10) || 0;
  }
  function update() {
    if (otherField) { otherField.hidden = selected() !== "autre"; }
    if (tax && rate) {
      var euros = amountEuros();
      if (euros > 0) {
        var cost = (euros * rate / 100).toFixed(2).replace(".", ",").replace(",00", "");
        tax.textContent = "Après la réduction d'impôt de " + (100 - rate) + " %, ce don vous revient à " + cost + " € (dans la limite de 20 % du revenu imposable, article 200 du code général des impôts).";
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
