// « Créer un site »: communes proposed while typing (the wizard works without this file: the
// « Chercher la commune » button lists them from the server).
(function () {
  "use strict";
  const input = document.querySelector("input[data-suggest]");
  if (!input) return;
  const list = document.getElementById("commune-suggestions");
  const status = document.getElementById("commune-status");
  const code = document.querySelector("input[type=hidden][name=commune_code]");
  let timer = null;
  let last = "";
  function choose(commune) {
    input.value = commune.value;
    if (code) code.value = commune.code;
    last = commune.value;
    list.replaceChildren();
    list.hidden = true;
    status.textContent = commune.label + " : commune choisie.";
    input.focus();
  }
  function fill(communes) {
    list.replaceChildren(...communes.map(function (c) {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      const people = (c.population || 0).toLocaleString("fr-FR");
      button.textContent = c.label + " — " + people + " habitants — " + c.postal_codes.join(", ");
      button.addEventListener("click", function () { choose(c); });
      item.appendChild(button);
      return item;
    }));
    list.hidden = !communes.length;
    status.textContent = communes.length
      ? communes.length + " commune(s) proposée(s) sous le champ : choisissez la vôtre."
      : "Aucune commune ne correspond.";
  }
  input.addEventListener("input", function () {
    if (code) code.value = "";  // the server reads the code of the chosen commune
    const query = input.value.trim();
    if (query.length < 2 || query === last) return;
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
  input.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown" && !list.hidden) {  // into the proposed communes
      event.preventDefault();
      const first = list.querySelector("button");
      if (first) first.focus();
    }
  });
  list.addEventListener("keydown", function (event) {
    const buttons = Array.from(list.querySelectorAll("button"));
    const at = buttons.indexOf(document.activeElement);
    if (event.key === "ArrowDown" && at < buttons.length - 1) buttons[at + 1].focus();
    else if (event.key === "ArrowUp") (at > 0 ? buttons[at - 1] : input).focus();
    else if (event.key === "Escape") { list.hidden = true; input.focus(); }
    else return;
    event.preventDefault();
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
