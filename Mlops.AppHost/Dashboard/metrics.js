// The Metrics tab: each service's instruments, and the chosen one charted over time. Counters come as rates per
// second, gauges and up-down counters as values, histograms as p50/p95/p99 (all worked out by the AppHost).
"use strict";

let openMetric = null;

const seriesLabel = (attributes) => Object.entries(attributes).map(([k, v]) => `${k}=${v}`).join(", ") || "(no attributes)";

async function metrics() {
  const list = await get("/api/metrics");
  const services = $("metric-service");
  for (const service of new Set(list.map((i) => i.instrument.service))) {
    if (![...services.options].some((o) => o.value === service)) services.append(new Option(service, service));
  }
  const chosen = services.value;
  $("metric-rows").replaceChildren(...list.filter((s) => !chosen || s.instrument.service === chosen).map(({ instrument: i, series }) => {
    const tr = row([i.service, i.name, i.type.toLowerCase(), i.unit, i.description, series]);
    // The open instrument stays marked as the list is read again.
    tr.className = openMetric && openMetric.service === i.service && openMetric.name === i.name ? "click open" : "click";
    tr.dataset.metric = i.name;
    tr.addEventListener("click", async () => {
      openMetric = { service: i.service, name: i.name };
      document.querySelectorAll("#metric-rows tr.open").forEach((r) => r.classList.remove("open"));
      tr.classList.add("open");
      $("metric-series").replaceChildren();
      await metricChart();
      $("metric-detail").scrollIntoView({ block: "nearest" });
    });
    return tr;
  }));
  if (openMetric) await metricChart();
}

async function metricChart() {
  const q = new URLSearchParams({ service: openMetric.service, name: openMetric.name, minutes: $("metric-minutes").value });
  const response = await fetch(`/api/metrics/chart?${q}`);
  const chart = await response.json();
  $("metric-detail").hidden = false;
  if (!response.ok) { $("metric-title").textContent = chart.error; lineChart($("metric-chart"), []); return; }

  const instrument = chart.instrument;
  $("metric-title").textContent = `${instrument.service}: ${instrument.name}`;
  $("metric-note").textContent = `${instrument.type.toLowerCase()} (${instrument.cumulative ? "cumulative" : "delta"}), charted as ${chart.shows}` +
    `${chart.unit ? ` in ${chart.unit}` : ""}${instrument.description ? ` — ${instrument.description}` : ""}`;

  // The series list is kept across refreshes, so a choice stays chosen; new series join it.
  const select = $("metric-series");
  const histogram = instrument.type === "Histogram";
  if (!histogram && !select.querySelector("option[value='*']")) select.append(new Option("every series", "*"));
  for (const series of chart.series) {
    const label = seriesLabel(series.attributes);
    if (![...select.options].some((o) => o.value === label)) select.append(new Option(label, label));
  }
  const choice = select.value;
  const shown = chart.series.filter((s) => choice === "*" || seriesLabel(s.attributes) === choice);
  const lines = histogram
    ? shown.slice(0, 1).flatMap((s) => ["p50", "p95", "p99"].map((q) => ({ label: q, points: s.quantiles.map((p) => [Date.parse(p.time), p[q]]) })))
    : shown.slice(0, chartColors.length).map((s) => ({ label: seriesLabel(s.attributes), points: s.values.map((p) => [Date.parse(p.time), p.value]) }));
  lineChart($("metric-chart"), lines, { unit: chart.unit });
  $("metric-legend").replaceChildren(...lines.map((line, i) => {
    const item = text("span", line.label, "legend");
    item.style.borderColor = chartColors[i % chartColors.length];
    return item;
  }));
}

$("metric-service").addEventListener("change", metrics);
$("metric-minutes").addEventListener("change", () => openMetric && metricChart());
$("metric-series").addEventListener("change", () => openMetric && metricChart());
