// Progressive enhancement for the search form: fills the <datalist> of an input from the JSON suggest API.
// The form works the same without JavaScript; this only offers completions while typing.
"use strict";
document.querySelectorAll("input[data-suggest]").forEach(function (input) {
  var list = document.getElementById(input.getAttribute("list"));
  var timer = null;
  var last = "";
  if (!list) { return; }
  input.addEventListener("input", function () {
    var q = input.value.trim();
    window.clearTimeout(timer);
    if (q.length < 2 || q === last) { return; }
    timer = window.setTimeout(function () {
      last = q;
      fetch(input.dataset.suggest + "?limit=8&q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { vorschlaege: [] }; })
        .then(function (data) {
          var options = (data.vorschlaege || []).map(function (v) {
            var o = document.createElement("option");
            o.value = v.label;
            return o;
          });
          list.replaceChildren.apply(list, options);
        })
        .catch(function () { /* suggestions are optional */ });
    }, 150);
  });
});
