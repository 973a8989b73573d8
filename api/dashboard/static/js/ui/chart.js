// A line chart (uPlot) of one series over time, sized to its container.
import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import { html } from "../core/html.js";

/** `points`: [[unix seconds, value], ...] in time order. */
export function LineChart({ label, points }) {
  const box = useRef(null);
  useEffect(() => {
    const element = box.current;
    const data = [points.map((p) => p[0]), points.map((p) => p[1])];
    const options = {
      width: Math.max(200, element.clientWidth), height: 180,
      legend: { show: false },
      series: [{}, { label, stroke: "#1f5fbf", width: 2, fill: "rgba(31,95,191,0.08)" }],
      axes: [{}, { size: 60 }],
    };
    const chart = new uPlot(options, data, element);
    const observer = new ResizeObserver(() => chart.setSize({ width: Math.max(200, element.clientWidth), height: 180 }));
    observer.observe(element);
    return () => { observer.disconnect(); chart.destroy(); };
  }, [label, points]);
  return html`<figure class="chart">
    <div ref=${box} class="chart-box" role="img" aria-label=${`${label} over time`}></div>
    <figcaption>${label}</figcaption>
  </figure>`;
}
