// The supervisor pages' charts, drawn by uPlot (vendored: vendor/manifest.json). Times on the axis
// are the call center's (the page's data-zone), never the browser's.
window.hotlineCharts = (function () {
  function inZone(zone) { return ts => uPlot.tzDate(new Date(ts * 1e3), zone); }
  // 24-hour clock times of the center ("08:30"), on the axis and in the legend, in either language.
  function clock(zone) {
    const two = n => String(n).padStart(2, "0");
    return ts => { const d = uPlot.tzDate(new Date(ts * 1e3), zone); return two(d.getHours()) + ":" + two(d.getMinutes()); };
  }
  function timeAxis(zone) { const at = clock(zone); return { values: (u, splits) => splits.map(at) }; }
  function timeSeries(label, zone) { const at = clock(zone); return { label, value: (u, v) => v == null ? "--" : at(v) }; }
  function width(el) { return Math.max(320, el.clientWidth || 800); }
  function bars(size) { return uPlot.paths.bars({ size: [size, 60] }); }

  // The day by half hour: offered, answered and abandoned callers (bars, left axis) and the service
  // level with its target (lines, right axis in %).
  function day(el, chart, texts, zone) {
    const opts = {
      width: width(el), height: 260, tzDate: inZone(zone),
      scales: { x: { time: true }, calls: { range: (u, lo, hi) => [0, Math.max(4, hi + 1)] }, pct: { range: [0, 100] } },
      axes: [timeAxis(zone), { scale: "calls" }, { scale: "pct", side: 1, grid: { show: false }, values: (u, v) => v.map(x => x + "%") }],
      series: [
        timeSeries(texts.time, zone),
        { label: texts.offered, scale: "calls", stroke: "#0b6bcb", fill: "rgba(11,107,203,.25)", paths: bars(0.8), points: { show: false } },
        { label: texts.answered, scale: "calls", stroke: "#137a3a", fill: "rgba(19,122,58,.45)", paths: bars(0.5), points: { show: false } },
        { label: texts.abandoned, scale: "calls", stroke: "#b42318", fill: "rgba(180,35,24,.6)", paths: bars(0.25), points: { show: false } },
        { label: texts.sl, scale: "pct", stroke: "#6941c6", width: 2, spanGaps: true },
        { label: texts.sl_target, scale: "pct", stroke: "#b54708", width: 1.5, dash: [6, 4], points: { show: false } },
      ],
    };
    const plot = new uPlot(opts, dayData(chart), el);
    plot.hotlineSource = chart;
    return plot;
  }
  function dayData(chart) {
    return [chart.x, chart.offered, chart.answered, chart.abandoned, chart.service_level,
            chart.x.map(() => chart.target)];
  }

  // A staffing plan's queue: forecast callers (bars) and agents needed and scheduled (steps).
  function plan(el, queue, texts, zone) {
    const opts = {
      width: width(el), height: 240, tzDate: inZone(zone),
      scales: { x: { time: true }, calls: {}, agents: { range: (u, lo, hi) => [0, Math.max(2, hi + 1)] } },
      axes: [timeAxis(zone), { scale: "calls" }, { scale: "agents", side: 1, grid: { show: false } }],
      series: [
        timeSeries(texts.time, zone),
        { label: texts.forecast, scale: "calls", stroke: "#0b6bcb", fill: "rgba(11,107,203,.25)", paths: bars(0.7), points: { show: false } },
        { label: texts.needed, scale: "agents", stroke: "#137a3a", width: 2, paths: uPlot.paths.stepped({ align: 1 }) },
        { label: texts.scheduled, scale: "agents", stroke: "#6941c6", width: 2, dash: [5, 3], paths: uPlot.paths.stepped({ align: 1 }) },
        { label: texts.signed_in, scale: "agents", stroke: "#b54708", width: 1.5, points: { show: false } },
      ],
    };
    return new uPlot(opts, [queue.x, queue.calls, queue.needed, queue.scheduled, queue.x.map(() => queue.signed_in)], el);
  }
  return { day, dayData, plan };
})();
