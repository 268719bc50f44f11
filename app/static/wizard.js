// « Créer un site »: suggestions for the commune field (the wizard works without this file).
(function () {
  "use strict";
  const input = document.querySelector("input[data-suggest]");
  if (!input) return;
  const list = document.getElementById(input.getAttribute("list"));
  const status = document.getElementById("commune-status");
  const code = document.querySelector("input[type=hidden][name=commune_code]");
  let timer = null;
  let last = "";
  function fill(communes) {
    list.replaceChildren(...communes.map(function (c) {
      const option = document.createElement("option");
      option.value = c.value;
      const people = (c.population || 0).toLocaleString("fr-FR");
      option.textContent = c.label + " — " + people + " habitants — " + c.postal_codes.join(", ");
      return option;
    }));
    if (status) {
      status.textContent = communes.length
        ? communes.length + " commune(s) proposée(s) : choisissez dans la liste."
        : "Aucune commune ne correspond.";
    }
  }
  input.addEventListener("input", function () {
    if (code) code.value = "";  // the server reads the code from the chosen suggestion
    const query = input.value.trim();
    if (query.length < 2 || query === last || /·\s*\w{5}$/.test(query)) return;
    clearTimeout(timer);
    timer = setTimeout(function () {
      last = query;
      fetch(input.dataset.suggest + "?q=" + encodeURIComponent(query),
            {headers: {"Accept": "application/json"}, credentials: "same-origin"})
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(fill)
        .catch(function () { /* the search button still works */ });
    }, 150);
  });
})();

// The error summary takes the focus, so a screen reader reads it first.
(function () {
  "use strict";
  const summary = document.getElementById("erreurs");
  if (summary) summary.focus();
})();

// Choosing a theme proposes its own main colour, unless the colour was changed by hand.
(function () {
  "use strict";
  const colour = document.querySelector("input[name=couleur]");
  const radios = document.querySelectorAll("input[name=theme][data-colour]");
  if (!colour || !radios.length) return;
  let proposed = colour.value.toLowerCase();
  radios.forEach(function (radio) {
    radio.addEventListener("change", function () {
      if (colour.value.toLowerCase() === proposed) {
        colour.value = radio.dataset.colour;
        proposed = colour.value.toLowerCase();
      }
    });
  });
})();
