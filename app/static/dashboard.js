/* shadowspend dashboard: draws the overview charts from the JSON the page embeds, and makes
   the review forms quicker (vendor search as you type, tick-all in the findings queue), and
   follows a background import or sync to its end.
   Loaded with `defer` (on the overview after plotly.min.js, served from the installed plotly
   package). Every bar links to its transactions; the tables under each chart hold the same
   links. Every form works without this script: it only saves round trips. */
(function () {
  "use strict";

  var COLORS = { sanctioned: "#2b6cb0", outside_it: "#c2410c", not_software: "#6b7280" };

  function isLocalPath(url) {
    return typeof url === "string" && url.charAt(0) === "/" && url.charAt(1) !== "/";
  }

  function draw(el, chart) {
    var scale = Math.pow(10, chart.exponent);
    var horizontal = chart.orientation === "h";
    var money = ":,." + chart.exponent + "f";
    var traces = chart.series.map(function (s) {
      var values = s.values.map(function (v) { return v / scale; });
      var trace = {
        type: "bar",
        name: s.name,
        marker: { color: COLORS[s.key] || "#374151" },
        customdata: s.links,
        hovertemplate: (horizontal ? "%{y}" : "%{x}") + "<br>" + s.name + ": " +
          chart.currency + " %{" + (horizontal ? "x" : "y") + money + "}<extra></extra>"
      };
      if (horizontal) {
        trace.orientation = "h";
        trace.y = chart.categories;
        trace.x = values;
      } else {
        trace.x = chart.categories;
        trace.y = values;
      }
      return trace;
    });
    var valueAxis = { title: { text: chart.currency }, automargin: true, tickformat: "~s",
                      fixedrange: true };
    var categoryAxis = { automargin: true, fixedrange: true };
    if (horizontal) { categoryAxis.autorange = "reversed"; }
    var layout = {
      barmode: "stack",
      height: horizontal ? Math.max(240, 26 * chart.categories.length + 90) : 320,
      margin: { l: 10, r: 10, t: 10, b: 10 },
      legend: { orientation: "h", x: 0, y: 1.02, yanchor: "bottom", traceorder: "normal" },
      showlegend: chart.series.length > 1,
      paper_bgcolor: "rgba(0,0,0,0)",
      plot_bgcolor: "rgba(0,0,0,0)",
      font: { family: "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", size: 12 },
      xaxis: horizontal ? valueAxis : categoryAxis,
      yaxis: horizontal ? categoryAxis : valueAxis
    };
    el.style.height = layout.height + "px";
    window.Plotly.newPlot(el, traces, layout, {
      responsive: true, displaylogo: false, displayModeBar: false
    }).then(function () {
      el.classList.add("drawn");
    });
    el.on("plotly_click", function (event) {
      var point = event && event.points && event.points[0];
      var url = point && point.customdata;
      if (isLocalPath(url)) { window.location.assign(url); }
    });
  }

  function loadFragments() {
    document.querySelectorAll("[data-fragment]").forEach(function (el) {
      var url = el.getAttribute("data-fragment");
      if (!isLocalPath(url)) { return; }
      getHtml(url)
        .then(function (html) { if (html !== null) { el.innerHTML = html; } })
        .catch(function () { /* the link already in place stays */ });
    });
  }

  function getHtml(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (r) { return r.ok ? r.text() : null; });
  }

  /* The dismiss form's vendor picker: results replace the radio list as IT types; Enter (or
     the Search button) does the same and moves focus to the first result. */
  function vendorSearch() {
    document.querySelectorAll("form[data-vendor-search]").forEach(function (form) {
      var base = form.getAttribute("data-vendor-search");
      var input = form.querySelector("input[type=search]");
      var target = input && document.getElementById(input.getAttribute("aria-controls"));
      var echo = target && target.closest("form").querySelector("input[name=vendor_q]");
      if (!isLocalPath(base) || !target) { return; }
      var timer = null;
      var latest = 0;
      function run() {
        var q = input.value.trim();
        var ticket = ++latest;
        return getHtml(base + "&q=" + encodeURIComponent(q)).then(function (html) {
          if (html === null || ticket !== latest) { return false; }
          target.innerHTML = html;
          if (echo) { echo.value = q; }
          return true;
        }).catch(function () { return false; });
      }
      input.addEventListener("input", function () {
        window.clearTimeout(timer);
        timer = window.setTimeout(run, 250);
      });
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        window.clearTimeout(timer);
        run().then(function (ok) {
          var first = ok && target.querySelector("input[type=radio]");
          if (first) { first.focus(); }
        });
      });
    });
  }

  /* The findings queue's bulk form: tick-all, a count of ticked rows, and the snooze date
     asked for only when the action is snooze. */
  function bulkForm() {
    var form = document.getElementById("bulk");
    if (!form) { return; }
    var all = document.getElementById("pick-all");
    var count = document.getElementById("bulk-count");
    var boxes = Array.prototype.slice.call(form.querySelectorAll("input[name=ids]"));
    function update() {
      var n = boxes.filter(function (b) { return b.checked; }).length;
      if (count) { count.textContent = n ? "(" + n + " ticked)" : "(none ticked)"; }
      if (all) {
        all.checked = n > 0 && n === boxes.length;
        all.indeterminate = n > 0 && n < boxes.length;
      }
    }
    if (all) {
      all.hidden = false;
      all.addEventListener("change", function () {
        boxes.forEach(function (b) { b.checked = all.checked; });
        update();
      });
    }
    boxes.forEach(function (b) { b.addEventListener("change", update); });
    update();
    var action = document.getElementById("bulk-action");
    var until = document.getElementById("bulk-until");
    if (action && until) {
      var syncUntil = function () {
        var snooze = action.value === "snooze";
        until.required = snooze;
        until.closest(".field").hidden = !snooze;
      };
      action.addEventListener("change", syncUntil);
      syncUntil();
    }
    form.addEventListener("submit", function (event) {
      if (!boxes.some(function (b) { return b.checked; })) {
        event.preventDefault();
        if (count) { count.textContent = "(tick at least one finding first)"; }
        if (boxes[0]) { boxes[0].focus(); }
      }
    });
  }

  /* After an action the page opens with what was done (or why not): start keyboard and
     screen-reader users there. */
  function focusOutcome() {
    var outcome = document.getElementById("outcome");
    if (outcome) {
      outcome.setAttribute("tabindex", "-1");
      outcome.focus();
    }
  }

  /* Name fields matched to the catalog (registrations, sanctioned apps): the closest catalog
     vendors fill the field's <datalist> as a person types, so the browser offers them and the
     arrow keys pick one; the hint under the field names them for screen readers too. The
     form posts the name either way and the server matches it. */
  function catalogSuggest() {
    document.querySelectorAll("input[data-suggest]").forEach(function (input) {
      var base = input.getAttribute("data-suggest");
      var list = document.getElementById(input.getAttribute("list"));
      var hint = document.getElementById(input.getAttribute("aria-describedby"));
      if (!isLocalPath(base) || !list) { return; }
      var timer = null;
      var latest = 0;
      function run() {
        var q = input.value.trim();
        var ticket = ++latest;
        if (!q) { list.innerHTML = ""; return; }
        getHtml(base + "?q=" + encodeURIComponent(q)).then(function (html) {
          if (html === null || ticket !== latest) { return; }
          list.innerHTML = html;
          if (hint) {
            var names = Array.prototype.map.call(list.options, function (o) { return o.value; });
            hint.textContent = names.length
              ? "Catalog vendors like this: " + names.join(", ") + "."
              : "No catalog vendor has a name like this.";
          }
        }).catch(function () { /* the form still posts the name as typed */ });
      }
      input.addEventListener("input", function () {
        window.clearTimeout(timer);
        timer = window.setTimeout(run, 200);
      });
    });
  }

  /* A background job's page (an import, a sync): its progress block is fetched again every
     second until the job is done. Without the script the page refreshes itself instead. */
  function pollJobs() {
    document.querySelectorAll("[data-poll]").forEach(function (el) {
      var url = el.getAttribute("data-poll");
      if (!isLocalPath(url) || el.querySelector("[data-done]")) { return; }
      function tick() {
        getHtml(url).then(function (html) {
          if (html !== null) { el.innerHTML = html; }
          if (!el.querySelector("[data-done]")) { window.setTimeout(tick, 1000); }
        }).catch(function () { window.setTimeout(tick, 3000); });
      }
      window.setTimeout(tick, 500);
    });
  }

  function init() {
    pollJobs();
    vendorSearch();
    catalogSuggest();
    bulkForm();
    focusOutcome();
    loadFragments();
    var holder = document.getElementById("chart-data");
    if (!holder || !window.Plotly) { return; }
    var data = JSON.parse(holder.textContent);
    var byId = {};
    data.charts.forEach(function (c) { byId[c.id] = c; });
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var chart = byId[el.getAttribute("data-chart")];
      if (chart && chart.categories.length) { draw(el, chart); }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
