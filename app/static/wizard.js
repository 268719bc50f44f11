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
