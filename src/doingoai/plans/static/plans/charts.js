// Progress charts of the plan overview (Chart.js, vendored from the npm registry).
// Loaded with "defer" (Wagtail puts extra_js in the head): it runs once the page is parsed.
(function () {
  const source = document.getElementById("plan-chart-data");
  if (!source || !window.Chart) return;
  const data = JSON.parse(source.textContent);
  const bar = (id, labels, values) => new Chart(document.getElementById(id), {
    type: "bar",
    data: { labels, datasets: [{ data: values, backgroundColor: "#2e6ca4" }] },
    options: { indexAxis: "y", scales: { x: { min: 0, max: 100 } }, plugins: { legend: { display: false } } },
  });
  bar("chart-tasks", data.tasks.labels, data.tasks.values);
  bar("chart-units", data.units.map((u) => u.unit), data.units.map((u) => u.progress));
})();
