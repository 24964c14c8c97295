// The change log's programme box becomes GOV.UK's accessible autocomplete, asking
// the service for matching names as you type; without JavaScript it stays a plain
// text box that takes a programme's name.
(function () {
  "use strict";
  var input = document.querySelector("[data-module=app-programme-autocomplete]");
  if (!input || !window.accessibleAutocomplete) {
    return;
  }
  var url = input.getAttribute("data-source");
  var container = document.createElement("div");
  container.className = "app-autocomplete";
  input.parentNode.insertBefore(container, input);
  input.parentNode.removeChild(input);
  window.accessibleAutocomplete({
    element: container,
    id: input.id,
    name: input.name,
    defaultValue: input.value,
    minLength: 2,
    showNoOptionsFound: true,
    tNoResults: function () {
      return "No programme has that in its name";
    },
    source: function (query, populateResults) {
      fetch(url + "?q=" + encodeURIComponent(query), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then(function (response) {
          return response.ok ? response.json() : { programmes: [] };
        })
        .then(function (data) {
          populateResults(
            data.programmes.map(function (programme) {
              return programme.name;
            })
          );
        })
        .catch(function () {
          populateResults([]);
        });
    },
  });
})();
