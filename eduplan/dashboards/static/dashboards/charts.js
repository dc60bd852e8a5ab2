// Draws the charts a page carries as JSON (json_script "charts-data") into every
// element with data-chart="<id>". The same numbers are in each chart's table view.
// Tooltips are drawn on the canvas (renderMode "richText"): ECharts' HTML tooltips carry
// style attributes, which the Content-Security-Policy refuses.
(function () {
  "use strict";
  var STYLE = {
    actual: { color: "#0d6efd", width: 3, type: "solid" },
    expected: { color: "#6c757d", width: 2, type: "dashed" },
    forecast: { color: "#fd7e14", width: 2, type: "dotted" },
    goal: { color: "#dc3545", width: 1, type: "dashed" },
  };
  var BAR_COLOURS = ["#0d6efd", "#dc3545", "#fd7e14", "#198754", "#6f42c1"];

  function lineSeries(s, spark) {
    var look = STYLE[s.role] || STYLE.actual;
    return {
      name: s.name,
      type: "line",
      data: s.data,
      connectNulls: s.role === "forecast",
      showSymbol: !spark && s.role !== "goal",
      symbolSize: 6,
      lineStyle: { color: look.color, width: spark ? 2 : look.width, type: look.type },
      itemStyle: { color: look.color },
    };
  }

  function option(chart, dark) {
    var spark = chart.kind === "spark";
    var text = dark ? "#dee2e6" : "#212529";
    if (spark) {
      return {
        animation: false,
        grid: { left: 2, right: 2, top: 4, bottom: 2 },
        xAxis: { type: "category", data: chart.categories, show: false },
        yAxis: { type: "value", show: false, scale: true },
        tooltip: { trigger: "axis", confine: true, renderMode: "richText" },
        series: chart.series.map(function (s) { return lineSeries(s, true); }),
      };
    }
    var hasBars = chart.series.some(function (s) { return s.role === "bar"; });
    var series = chart.series.map(function (s, i) {
      if (s.role === "bar") {
        return { name: s.name, type: "bar", data: s.data, itemStyle: { color: BAR_COLOURS[i % BAR_COLOURS.length] } };
      }
      var line = lineSeries(s, false);
      if (hasBars) { line.yAxisIndex = 1; }
      return line;
    });
    var yAxis = [{ type: "value", scale: !hasBars, name: chart.unit || "", axisLabel: { color: text } }];
    if (hasBars && chart.series.some(function (s) { return s.role !== "bar"; })) {
      yAxis.push({ type: "value", scale: true, splitLine: { show: false }, axisLabel: { color: text } });
    }
    return {
      animation: false,
      textStyle: { color: text },
      grid: { left: 48, right: 24, top: 40, bottom: 40, containLabel: true },
      legend: { top: 0, textStyle: { color: text } },
      tooltip: { trigger: "axis", renderMode: "richText" },
      xAxis: { type: "category", data: chart.categories, axisLabel: { color: text, hideOverlap: true } },
      yAxis: yAxis,
      series: series,
    };
  }

  function draw() {
    var holder = document.getElementById("charts-data");
    if (!holder || !window.echarts) { return; }
    var charts = JSON.parse(holder.textContent);
    var byId = {};
    charts.forEach(function (c) { byId[c.id] = c; });
    var dark = document.body.dataset.theme === "dark";
    var drawn = [];
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var chart = byId[el.dataset.chart];
      if (!chart) { return; }
      var instance = echarts.init(el, dark ? "dark" : null, { renderer: "svg" });
      instance.setOption(option(chart, dark));
      el.dataset.drawn = "1";
      drawn.push(instance);
    });
    window.addEventListener("resize", function () { drawn.forEach(function (c) { c.resize(); }); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
