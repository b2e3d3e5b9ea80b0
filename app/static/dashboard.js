/* shadowspend dashboard: draws the overview charts from the JSON the page embeds.
   Loaded with `defer` after plotly.min.js (served from the installed plotly package).
   Every bar links to its transactions; the tables under each chart hold the same links. */
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
      fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) { if (html !== null) { el.innerHTML = html; } })
        .catch(function () { /* the link already in place stays */ });
    });
  }

  function init() {
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
