// Coverage dashboard charts: Chart.js (served from /static/vendor/chartjs) draws the JSON of
// data-chart-url into the canvas; the table next to each chart holds the same figures, so
// without JavaScript (or with a screen reader) nothing is lost.
(function () {
  "use strict";
  function draw(canvas) {
    if (typeof window.Chart !== "function") { return; }
    fetch(canvas.getAttribute("data-chart-url"), { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data || !data.labels.length) { return; }
        var box = canvas.parentNode;
        box.style.height = String(Math.max(160, 36 * data.labels.length + 60)) + "px";
        var colours = ["#1a5d1a", "#b35c00"];  // linked, waiting: distinguishable and AA on white
        new window.Chart(canvas, {
          type: "bar",
          data: {
            labels: data.labels,
            datasets: data.datasets.map(function (set, i) {
              return { label: set.label, data: set.data, backgroundColor: colours[i % colours.length] };
            })
          },
          options: {
            indexAxis: "y",
            maintainAspectRatio: false,
            responsive: true,
            scales: { x: { stacked: true, title: { display: true, text: data.axis } }, y: { stacked: true, ticks: { autoSkip: false } } },
            plugins: { title: { display: true, text: data.title }, legend: { position: "bottom" } }
          }
        });
      })
      .catch(function () { /* the table stays */ });
  }
  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("canvas.js-chart"), draw);
  });
})();
