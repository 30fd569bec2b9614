// Time-series line charts as SVG, drawn by hand the way the web UI draws its bar charts: no library, no build step.
"use strict";

const chartNs = "http://www.w3.org/2000/svg";
const chartColors = ["#2f6fde", "#d9730d", "#1e7b34", "#b3261e", "#7e57c2", "#00838f", "#8d6e63", "#5b6472"];

function svgElement(tag, attributes, content) {
  const element = document.createElementNS(chartNs, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  if (content !== undefined) element.textContent = content;
  return element;
}

/** 1234567 -> "1.23M", 0.75 -> "0.75", 0.000123 -> "0.000123": short enough for an axis, exact enough to read. */
function compactNumber(value) {
  const magnitude = Math.abs(value);
  const short = (v) => String(Number(v.toPrecision(3)));
  if (magnitude >= 1e9) return short(value / 1e9) + "G";
  if (magnitude >= 1e6) return short(value / 1e6) + "M";
  if (magnitude >= 1e4) return short(value / 1e3) + "k";
  return short(value);
}

/** The smallest 1, 2, 2.5 or 5 times a power of ten at or above value: axis ticks people can read. */
function niceCeiling(value) {
  const power = 10 ** Math.floor(Math.log10(value));
  return [1, 2, 2.5, 5, 10].map((step) => step * power).find((nice) => nice >= value * (1 - 1e-9));
}

/**
 * Draws lines over time into an <svg width height>. lines: [{label, points: [[timeMs, value], ...]}]; each line
 * gets a polyline and a dot per point (a dot is all a series of one point can show), with the value as a tooltip.
 */
function lineChart(svg, lines, { unit = "" } = {}) {
  svg.replaceChildren();
  // As wide as the page lets it be (the width attribute is the fallback while it is not laid out).
  const width = svg.clientWidth || Number(svg.getAttribute("width")), height = Number(svg.getAttribute("height"));
  const left = 70, right = 14, top = 24, bottom = 26;
  const all = lines.flatMap((line) => line.points);
  if (!all.length) {
    svg.append(svgElement("text", { x: left, y: height / 2, class: "empty" }, "no points in this window yet"));
    return;
  }

  let t0 = Math.min(...all.map((p) => p[0])), t1 = Math.max(...all.map((p) => p[0]));
  if (t1 === t0) { t0 -= 30_000; t1 += 30_000; }
  const low = Math.min(0, ...all.map((p) => p[1])), high = Math.max(...all.map((p) => p[1]));
  const v0 = low < 0 ? -niceCeiling(-low) : 0;
  const v1 = high > v0 ? v0 + niceCeiling(high - v0) : v0 + 1;
  const x = (t) => left + ((t - t0) / (t1 - t0)) * (width - left - right);
  const y = (v) => top + (1 - (v - v0) / (v1 - v0)) * (height - top - bottom);

  for (let i = 0; i <= 4; i++) {
    const value = v0 + ((v1 - v0) * i) / 4;
    svg.append(svgElement("line", { x1: left, x2: width - right, y1: y(value), y2: y(value), class: "grid" }));
    svg.append(svgElement("text", { x: left - 6, y: y(value) + 4, "text-anchor": "end" }, compactNumber(value)));
  }
  for (let i = 0; i <= 3; i++) {
    const time = t0 + ((t1 - t0) * i) / 3;
    svg.append(svgElement("text", { x: x(time), y: height - 6, "text-anchor": i === 0 ? "start" : i === 3 ? "end" : "middle" },
      new Date(time).toLocaleTimeString()));
  }
  svg.append(svgElement("text", { x: 2, y: 12, class: "unit" }, unit));

  lines.forEach((line, index) => {
    const color = chartColors[index % chartColors.length];
    const points = line.points.slice().sort((a, b) => a[0] - b[0]);
    svg.append(svgElement("polyline", { class: "line", stroke: color, points: points.map(([t, v]) => `${x(t).toFixed(1)},${y(v).toFixed(1)}`).join(" ") }));
    for (const [t, v] of points) {
      const dot = svgElement("circle", { class: "point", cx: x(t).toFixed(1), cy: y(v).toFixed(1), r: 2.5, fill: color });
      dot.append(svgElement("title", {}, `${line.label}: ${compactNumber(v)} ${unit} at ${new Date(t).toLocaleTimeString()}`));
      svg.append(dot);
    }
  });
}
