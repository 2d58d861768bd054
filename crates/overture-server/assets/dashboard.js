// Overture's dashboard: draws the charts from the numbers the page carries (the same numbers
// are in the tables beside them). Everything works without this file.
(function () {
  "use strict";
  function draw() {
    var holder = document.getElementById("chart-data");
    if (!holder || typeof uPlot === "undefined") { return; }
    var data = JSON.parse(holder.getAttribute("data-chart"));
    var width = Math.min(900, document.querySelector("main").clientWidth - 20);
    var weeks = document.getElementById("chart-weeks");
    var labels = data.weeks.labels;
    if (weeks && labels.length > 0) {
      // One point per week, numbered; the axis and the legend show the week's Monday.
      var xs = labels.map(function (_, i) { return i; });
      var week = function (v) { return v == null ? "--" : (labels[Math.round(v)] || ""); };
      new uPlot({
        width: width, height: 260,
        scales: { x: { time: false, range: [-0.5, labels.length - 0.5] } },
        series: [
          { label: "week of", value: function (u, v) { return week(v); } },
          { label: "sent", stroke: "#1f5fbf", width: 2, points: { size: 7 } },
          { label: "accepted", stroke: "#1e7b34", width: 2, points: { size: 7 } }
        ],
        axes: [
          { values: function (u, splits) { return splits.map(function (v) { return Number.isInteger(v) ? week(v) : ""; }); } },
          { label: "invitations" }
        ]
      }, [xs, data.weeks.sent, data.weeks.accepted], weeks);
    }
    var accept = document.getElementById("chart-accept");
    if (accept) {
      new uPlot({
        width: width, height: 220,
        scales: { x: { time: false, range: [-0.5, data.accept.x.length - 0.5] } },
        series: [{ label: "days" }, { label: "accepted", stroke: "#1e7b34", fill: "rgba(30,123,52,0.25)", paths: uPlot.paths.bars({ size: [0.8] }) }],
        axes: [{ label: "days to accept" }, { label: "invitations" }]
      }, [data.accept.x, data.accept.count], accept);
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
