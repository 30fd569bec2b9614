// What one step of a pipeline run did, shown when its node is chosen: status, cache key and where a cache hit
// came from, attempts, duration, parameters, result, artifacts, its invocation, and the last lines it logged.
// A map step lists its items as small buttons (a hundred stay one compact grid); choosing one shows that item.
"use strict";

/** "sha256:9f86d081884c…": enough of a digest to tell two apart; the whole one is in the tooltip. */
function shortDigest(digest) {
  if (!digest) return "";
  const [algorithm, hex] = digest.includes(":") ? digest.split(":", 2) : ["", digest];
  return `${algorithm ? algorithm + ":" : ""}${hex.slice(0, 12)}${hex.length > 12 ? "…" : ""}`;
}

function seconds(start, end) {
  if (!start) return "";
  const ms = (end ? Date.parse(end) : Date.now()) - Date.parse(start);
  return `${(ms / 1000).toFixed(1)} s${end ? "" : " so far"}`;
}

function detailRow(list, term, value) {
  if (value === undefined || value === null || value === "") return;
  const dt = document.createElement("dt");
  dt.textContent = term;
  const dd = document.createElement("dd");
  if (value instanceof Node) dd.append(value); else dd.textContent = String(value);
  list.append(dt, dd);
}

function jsonBlock(value, label) {
  const pre = document.createElement("pre");
  pre.className = "json";
  pre.setAttribute("aria-label", label);
  pre.textContent = JSON.stringify(value, null, 2);
  return pre;
}

function digestList(artifacts) {
  const entries = Object.entries(artifacts || {});
  if (!entries.length) return undefined;
  const list = document.createElement("ul");
  for (const [name, digest] of entries) {
    const item = document.createElement("li");
    const code = document.createElement("code");
    code.textContent = shortDigest(digest);
    code.title = digest;
    item.append(`${name} `, code);
    list.append(item);
  }
  return list;
}

function textButton(text, label, onClick) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "link";
  button.textContent = text;
  if (label) button.setAttribute("aria-label", label);
  button.addEventListener("click", onClick);
  return button;
}

/** The invocation last asked for, kept across redraws of its step while the run goes on. */
const invocationShown = { id: "", box: null };

/** Fetches the invocation (with the session's key) and shows it under the step. */
async function showInvocation(id, into) {
  Object.assign(invocationShown, { id, box: into });
  into.replaceChildren("loading…");
  try {
    into.replaceChildren(jsonBlock(await getJson(api(`invocations/${encodeURIComponent(id)}`)), `invocation ${id}`));
  } catch (error) {
    into.replaceChildren(`could not load the invocation: ${error.message}`);
  }
}

/**
 * Fills the panel with the step's record. record: the StepRun as the runner sends it (camelCase), plus `logs`
 * (the lines kept from the watch); actions: {openRun(runId), selectItem(index)}.
 */
function renderStepDetails(panel, step, record, actions) {
  panel.replaceChildren();
  const title = document.createElement("h4");
  const item = record.item !== undefined ? `[${record.item}]` : "";
  title.textContent = `${step.id}${item} — ${stepStatusWord(record)}${stepCached(record) ? " (cached)" : ""}`;
  panel.append(title);

  const list = document.createElement("dl");
  detailRow(list, step.action ? "Action" : "Function", step.action || step.function);
  if (record.itemValue !== undefined) detailRow(list, "Item", JSON.stringify(record.itemValue));
  if (step.when) detailRow(list, "When", step.when);
  if (record.cacheKey) {
    const key = document.createElement("code");
    key.textContent = shortDigest(record.cacheKey);
    key.title = record.cacheKey;
    detailRow(list, "Cache key", key);
  }
  if (record.cacheHit) {
    const source = record.cacheSourceRun
      ? textButton(`hit: from run ${record.cacheSourceRun.slice(0, 8)}`, `open run ${record.cacheSourceRun}`, () => actions.openRun(record.cacheSourceRun))
      : "hit";
    detailRow(list, "Cache", source);
  } else if (record.cacheKey) {
    detailRow(list, "Cache", stepStatusWord(record) === "running" ? "miss: running" : "miss: it ran");
  }
  detailRow(list, "Attempts", record.attempts);
  detailRow(list, "Duration", seconds(record.startTime, record.endTime));
  if (record.errorCode || record.errorMessage) detailRow(list, "Error", `${record.errorCode || ""} ${record.errorMessage || ""}`.trim());
  const invocation = record.invocationId && record.invocationId === invocationShown.id ? invocationShown.box : document.createElement("div");
  if (record.invocationId) {
    detailRow(list, "Invocation", textButton(record.invocationId, `show invocation ${record.invocationId}`, () => showInvocation(record.invocationId, invocation)));
  }
  detailRow(list, "Output artifacts", digestList(record.artifacts));
  detailRow(list, "Input artifacts", digestList(record.inputArtifacts));
  panel.append(list, invocation);

  const items = record.items || [];
  if (items.length) {
    const heading = document.createElement("h5");
    heading.textContent = `Items (${items.length})`;
    const grid = document.createElement("div");
    grid.className = "items";
    items.forEach((entry, index) => {
      const button = textButton(String(entry.item ?? index), `item ${entry.item ?? index}: ${stepStatusWord(entry)}`, () => actions.selectItem(entry.item ?? index));
      button.className = `item st-${stepStatusWord(entry)}${entry.cacheHit ? " st-cached" : ""}`;
      button.title = `${entry.itemValue !== undefined ? JSON.stringify(entry.itemValue) + ": " : ""}${stepStatusWord(entry)}${entry.cacheHit ? " (cached)" : ""}`;
      grid.append(button);
    });
    panel.append(heading, grid);
  }
  for (const [label, value] of [["Parameters", record.parameters], ["Result", record.result]]) {
    if (!value || !Object.keys(value).length) continue;
    const heading = document.createElement("h5");
    heading.textContent = label;
    panel.append(heading, jsonBlock(value, `${label.toLowerCase()} of ${step.id}${item}`));
  }
  if (record.logs?.length) {
    const heading = document.createElement("h5");
    heading.textContent = `Log (last ${record.logs.length} lines)`;
    const log = document.createElement("pre");
    log.className = "log";
    log.setAttribute("aria-label", `log of ${step.id}${item}`);
    for (const { line, stderr } of record.logs) {
      const span = document.createElement("span");
      span.className = stderr ? "stderr" : "stdout";
      span.textContent = line + "\n";
      log.append(span);
    }
    panel.append(heading, log);
  }
}
