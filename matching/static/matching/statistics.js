/* The office's statistics page: draws each chart from its json_script block with Chart.js (vendored). */
(function () {
  "use strict";
  if (typeof window.Chart === "undefined") { return; }
  var palette = ["#a3241f", "#1a5fa8", "#2f7d4f", "#9a6200", "#6b4fa3", "#5b6878", "#c2185b", "#00838f"];

  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source) { return; }
    var data = JSON.parse(source.textContent);
    var round = data.type === "doughnut" || data.type === "pie";
    var datasets = data.datasets.map(function (set, i) {
      var colour = palette[i % palette.length];
      return {
        label: set.label,
        data: set.data,
        backgroundColor: round ? data.labels.map(function (_, j) { return palette[j % palette.length]; }) : colour,
        borderColor: round ? "#ffffff" : colour,
        borderWidth: data.type === "line" ? 2 : 1,
        tension: 0.2
      };
    });
    var options = { responsive: true, maintainAspectRatio: false, plugins: { legend: { display: round || datasets.length > 1 } } };
    if (!round) {
      options.scales = { y: { beginAtZero: true, ticks: { precision: data.yMax ? undefined : 0 } } };
      if (data.yMax) { options.scales.y.max = data.yMax; }
    }
    new window.Chart(canvas, { type: data.type, data: { labels: data.labels, datasets: datasets }, options: options });
  });
})();
