// Value-added charts: the funnel plot (schools' value-added against their pupils, with
// control limits) and a school's figures with their 95% intervals by cohort. Data come
// from json_script elements; tooltips drawn on the canvas (the CSP refuses inline styles).
(function () {
  "use strict";
  function data(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }
  function limitSeries(name, lines, colour, type) {
    return lines.map(function (points, i) {
      return {
        name: name, type: "line", data: points, showSymbol: false, silent: true,
        lineStyle: { color: colour, type: type, width: 1 }, itemStyle: { color: colour },
        tooltip: { show: false }, legendHoverLink: i === 0,
      };
    });
  }
  function funnel(el, d) {
    var chart = echarts.init(el);
    chart.setOption({
      animation: false,
      legend: { top: 0 },
      grid: { left: 56, right: 24, top: 36, bottom: 40 },
      tooltip: { trigger: "item", renderMode: "richText",
        formatter: function (p) { return p.data.name + "\n" + p.data.value[0] + " · " + p.data.value[1]; } },
      xAxis: { type: "value", name: d.labels.x, nameLocation: "middle", nameGap: 26, scale: true },
      yAxis: { type: "value", name: d.labels.y },
      series: [{ name: d.labels.points, type: "scatter", data: d.points, symbolSize: 8, itemStyle: { color: "#0d6efd" } }]
        .concat(limitSeries(d.labels.inner, d.inner, "#6c757d", "dashed"))
        .concat(limitSeries(d.labels.outer, d.outer, "#dc3545", "dotted")),
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  function intervals(el, d) {
    var chart = echarts.init(el);
    var colours = ["#6f42c1", "#0d6efd", "#198754"];
    var series = [];
    d.series.forEach(function (s, i) {
      series.push({ name: s.name, type: "line", data: s.data.map(function (p) { return p[1]; }),
        symbolSize: 8, lineStyle: { color: colours[i % 3] }, itemStyle: { color: colours[i % 3] } });
      series.push({ name: s.name, type: "custom", silent: true, z: 1,
        data: s.low.map(function (lo, k) { return [k, lo, s.high[k]]; }).filter(function (v) { return v[1] !== null; }),
        renderItem: function (params, api) {
          var shift = (i - 1) * 8;
          var lo = api.coord([api.value(0), api.value(1)]);
          var hi = api.coord([api.value(0), api.value(2)]);
          var style = { stroke: colours[i % 3], lineWidth: 1.5 };
          return { type: "group", children: [
            { type: "line", shape: { x1: lo[0] + shift, y1: lo[1], x2: hi[0] + shift, y2: hi[1] }, style: style },
            { type: "line", shape: { x1: lo[0] + shift - 4, y1: lo[1], x2: lo[0] + shift + 4, y2: lo[1] }, style: style },
            { type: "line", shape: { x1: hi[0] + shift - 4, y1: hi[1], x2: hi[0] + shift + 4, y2: hi[1] }, style: style },
          ] };
        } });
    });
    chart.setOption({
      animation: false,
      legend: { top: 0, data: d.series.map(function (s) { return s.name; }) },
      grid: { left: 56, right: 24, top: 40, bottom: 32 },
      tooltip: { trigger: "axis", renderMode: "richText" },
      xAxis: { type: "category", data: d.categories },
      yAxis: { type: "value", name: d.labels.y, scale: true },
      series: series,
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var f = document.querySelector("[data-funnel]");
    if (f && window.echarts) { funnel(f, data("funnel-data")); }
    var c = document.querySelector("[data-intervals]");
    if (c && window.echarts) { intervals(c, data("intervals-data")); }
  });
})();
