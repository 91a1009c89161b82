// Charts of the press statistics screen (Chart.js, vendored). The data come from the page's
// Loaded with "defer" (Wagtail puts extra_js in the head): it runs once the page is parsed.
// JSON (json_script); every chart has its table under it.
(function () {
  const source = document.getElementById("monitoring-chart-data");
  if (!source || !window.Chart) return;
  const charts = JSON.parse(source.textContent);
  const palette = ["#2e6ca4", "#c77700", "#2e8b57", "#b3261e", "#6a4c93", "#1b998b", "#8d6e63", "#e07a5f",
    "#3d405b", "#81b29a", "#f2a541", "#5c80bc", "#9c6644", "#48cae4", "#7f7f7f"];
  Object.entries(charts).forEach(([slug, spec]) => {
    const canvas = document.getElementById("chart-" + slug);
    if (!canvas || !spec.labels || !spec.labels.length) return;
    const round = spec.type === "doughnut";
    const datasets = spec.datasets.map((d, i) => {
      const colour = palette[i % palette.length];
      return Object.assign({}, d, round
        ? { backgroundColor: spec.labels.map((_, j) => palette[j % palette.length]) }
        : { backgroundColor: colour, borderColor: colour, fill: false, tension: 0.2 });
    });
    const options = { responsive: true, plugins: { legend: { display: datasets.length > 1 || round } } };
    if (!round) {
      options.indexAxis = spec.horizontal ? "y" : "x";
      options.scales = {
        x: { stacked: !!spec.stacked, beginAtZero: true },
        y: { stacked: !!spec.stacked, beginAtZero: true, ticks: { precision: 0 } },
      };
    }
    new Chart(canvas, { type: spec.type, data: { labels: spec.labels, datasets }, options });
  });
})();
