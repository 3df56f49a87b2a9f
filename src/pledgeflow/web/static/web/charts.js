/* pledgeflow charts: Chart.js 4 (vendored) drawn from a JSON spec the page embeds next to the chart.
 *
 * Every chart is titled, its axes are labelled with their units, its colours come from the Okabe-Ito palette
 * (colour-blind safe; the CSS variables --c1..--c8 of pledgeflow.css), and the page always shows the same
 * numbers as a table beside it, so nothing is lost without JavaScript, in a screen reader or in print.
 *
 * A canvas opts in with data-chart="<id of a <script type=application/json> element>" holding:
 *   {type: "bar", horizontal: bool, title, valueAxis, categoryAxis, unit, labels: [...],
 *    series: [{label, colour: 1..8, data: [...]}], reference: {value, label} (optional dashed line)}
 */
(function () {
  "use strict";

  var FALLBACK = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"];

  function colour(index) {
    var styles = getComputedStyle(document.documentElement);
    var value = styles.getPropertyValue("--c" + index).trim();
    return value || FALLBACK[(index - 1) % FALLBACK.length];
  }

  function formatter() {
    var lang = document.documentElement.lang || "en";
    return new Intl.NumberFormat(lang, { maximumFractionDigits: 1 });
  }

  /* A dashed line across the value axis at spec.reference.value (e.g. 100 % of the fair share). */
  function referenceLine(spec) {
    return {
      id: "pledgeflowReference",
      afterDatasetsDraw: function (chart) {
        if (!spec.reference) return;
        var scale = chart.scales[spec.horizontal ? "x" : "y"];
        var area = chart.chartArea;
        var at = scale.getPixelForValue(spec.reference.value);
        var ctx = chart.ctx;
        ctx.save();
        ctx.strokeStyle = colour(8);
        ctx.setLineDash([6, 4]);
        ctx.lineWidth = 2;
        ctx.beginPath();
        if (spec.horizontal) {
          ctx.moveTo(at, area.top);
          ctx.lineTo(at, area.bottom);
        } else {
          ctx.moveTo(area.left, at);
          ctx.lineTo(area.right, at);
        }
        ctx.stroke();
        ctx.setLineDash([]);
        ctx.font = "bold 12px system-ui, sans-serif";
        var text = spec.reference.label;
        var width = ctx.measureText(text).width;
        // The label sits on a white box at the line's end, so bars never hide it.
        var x = spec.horizontal ? Math.min(at + 4, area.right - width - 6) : area.left + 4;
        var y = spec.horizontal ? area.bottom - 6 : at - 6;
        ctx.fillStyle = "rgba(255, 255, 255, 0.9)";
        ctx.fillRect(x - 2, y - 12, width + 4, 16);
        ctx.fillStyle = colour(8);
        ctx.fillText(text, x, y);
        ctx.restore();
      },
    };
  }

  function draw(canvas) {
    if (canvas.dataset.drawn === "true" || typeof Chart === "undefined") return;
    var source = document.getElementById(canvas.dataset.chart);
    if (!source) return;
    var spec = JSON.parse(source.textContent);
    if (!spec) return;
    var numbers = formatter();
    var unit = spec.unit ? " " + spec.unit : "";
    var valueAxis = spec.horizontal ? "x" : "y";
    var categoryAxis = spec.horizontal ? "y" : "x";
    var scales = {};
    scales[valueAxis] = {
      beginAtZero: true,
      title: { display: true, text: spec.valueAxis, font: { weight: "bold" } },
      ticks: { callback: function (value) { return numbers.format(value) + unit; } },
      suggestedMax: spec.reference ? spec.reference.value * 1.1 : undefined,
    };
    scales[categoryAxis] = {
      title: { display: true, text: spec.categoryAxis, font: { weight: "bold" } },
      ticks: { autoSkip: false },
    };
    canvas.dataset.drawn = "true";
    new Chart(canvas, {
      type: spec.type || "bar",
      data: {
        labels: spec.labels,
        datasets: spec.series.map(function (series, i) {
          var c = colour(series.colour || i + 1);
          return { label: series.label, data: series.data, backgroundColor: c, borderColor: c, borderWidth: 1 };
        }),
      },
      options: {
        indexAxis: spec.horizontal ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: scales,
        plugins: {
          title: { display: true, text: spec.title, font: { size: 15, weight: "bold" }, color: "#1b1f24" },
          legend: { display: spec.series.length > 1, position: "top", labels: { color: "#1b1f24" } },
          tooltip: {
            callbacks: {
              label: function (item) {
                var value = spec.horizontal ? item.parsed.x : item.parsed.y;
                return item.dataset.label + ": " + numbers.format(value) + unit;
              },
            },
          },
        },
      },
      plugins: [referenceLine(spec)],
    });
  }

  function drawAll(root) {
    (root || document).querySelectorAll("canvas[data-chart]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { drawAll(); });
  } else {
    drawAll();
  }
  // Charts inside fragments swapped in by HTMX are drawn when they arrive.
  document.addEventListener("htmx:afterSettle", function (event) { drawAll(event.target); });
  window.pledgeflowCharts = { drawAll: drawAll };
})();
