// The Mlops web UI: plain browser JavaScript over the gateway's REST API (behind NGINX at /api/) and the
// seed-compatible /invoke. No build step.
"use strict";

const api = (path) => `/api/v1/${path}`;
const $ = (id) => document.getElementById(id);
const svgNs = "http://www.w3.org/2000/svg";

function showError(id, message) {
  const element = $(id);
  element.textContent = message;
  element.hidden = !message;
}

/** A REST error body is {"code", "message", "details"}; the seed API's is {"status": "error", "error"}. */
async function errorOf(response) {
  try {
    const body = await response.json();
    const violations = (body.details || []).flatMap((d) => d.fieldViolations || []);
    if (violations.length) return violations.map((v) => `${v.field}: ${v.description}`).join("\n");
    return body.message || body.error || `HTTP ${response.status}`;
  } catch {
    return `HTTP ${response.status}`;
  }
}

/** The API key, asked for once per browser session (sessionStorage: gone when the browser closes). */
const keyItem = "mlops.apiKey";

function askForKey(reason) {
  $("key-form").hidden = false;
  showError("key-error", reason);
  $("api-key").focus();
}

/** fetch, with the session's key; a 401 asks for a (new) key. */
async function call(path, options = {}) {
  const headers = new Headers(options.headers || {});
  const key = sessionStorage.getItem(keyItem);
  if (key) headers.set("Authorization", `Bearer ${key}`);
  const response = await fetch(path, { ...options, headers });
  if (response.status === 401) askForKey(await errorOf(response.clone()));
  return response;
}

$("key-form").addEventListener("submit", (event) => {
  event.preventDefault();
  sessionStorage.setItem(keyItem, $("api-key").value.trim());
  location.reload();
});
if (!sessionStorage.getItem(keyItem)) askForKey("");

async function getJson(path) {
  const response = await call(path);
  if (!response.ok) throw new Error(await errorOf(response));
  return response.json();
}

/** Reads a streamed REST answer: one JSON event per line, as they happen. */
async function* readEvents(response) {
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let pending = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    pending += decoder.decode(value, { stream: true });
    let newline;
    while ((newline = pending.indexOf("\n")) >= 0) {
      const line = pending.slice(0, newline).trim();
      pending = pending.slice(newline + 1);
      if (line) yield JSON.parse(line);
    }
  }
  if (pending.trim()) yield JSON.parse(pending);
}

function barChart(svg, entries, { max = 1, format = (v) => v.toFixed(3) } = {}) {
  svg.replaceChildren();
  const row = 26, labelWidth = 120, width = Number(svg.getAttribute("width")) - labelWidth - 60;
  svg.setAttribute("height", String(entries.length * row + 6));
  entries.forEach(([label, value], i) => {
    const y = i * row + 4;
    const text = document.createElementNS(svgNs, "text");
    text.setAttribute("x", "0"); text.setAttribute("y", String(y + 15)); text.textContent = label;
    const bar = document.createElementNS(svgNs, "rect");
    bar.setAttribute("class", "bar"); bar.setAttribute("x", String(labelWidth)); bar.setAttribute("y", String(y));
    bar.setAttribute("height", "18"); bar.setAttribute("width", String(Math.max(1, (value / max) * width)));
    const number = document.createElementNS(svgNs, "text");
    number.setAttribute("x", String(labelWidth + Math.max(1, (value / max) * width) + 6)); number.setAttribute("y", String(y + 15));
    number.textContent = format(value);
    svg.append(text, bar, number);
  });
}

// ---- Train -----------------------------------------------------------------------------------

async function renderTrainForm() {
  try {
    const { functions } = await getJson(api("functions"));
    const train = functions.find((f) => f.name === "train");
    if (!train) { showError("train-error", "there is no 'train' function"); return; }
    $("train-description").textContent = train.description || "";
    const fields = $("train-fields");
    fields.replaceChildren();
    for (const p of train.parameters) {
      const label = document.createElement("label");
      label.textContent = p.name;
      label.title = p.description || "";
      const input = document.createElement("input");
      input.name = p.name;
      input.dataset.type = p.type;
      if (p.type === "integer" || p.type === "number") {
        input.type = "number";
        input.step = p.type === "integer" ? "1" : "any";
        if (p.minimum !== undefined) input.min = String(p.minimum);
        if (p.maximum !== undefined) input.max = String(p.maximum);
      }
      if (p.defaultValue !== undefined && p.defaultValue !== null) input.value = String(p.defaultValue);
      else input.placeholder = "(optional)";
      label.append(input);
      fields.append(label);
    }
  } catch (error) {
    showError("train-error", `could not load the functions: ${error.message}`);
  }
}

function trainParameters() {
  const parameters = {};
  for (const input of $("train-fields").querySelectorAll("input")) {
    if (input.value === "") continue;
    parameters[input.name] = input.dataset.type === "integer" || input.dataset.type === "number" ? Number(input.value) : input.value;
  }
  return parameters;
}

function appendLog(text, kind) {
  const log = $("train-log");
  const line = document.createElement("span");
  line.className = kind;
  line.textContent = text + "\n";
  log.append(line);
  log.scrollTop = log.scrollHeight;
}

// What the source documents' UI shows after a training, from the answer's data (macro averages), then the rest.
const trainingFigures = [["accuracy", "Accuracy"], ["precision", "Precision"], ["recall", "Recall"], ["f1_score", "F1 score"]];

function showTrainResult(result) {
  const metrics = result.metrics || {};
  const data = result.data || {};
  const shown = trainingFigures.filter(([key]) => typeof data[key] === "number").map(([key, label]) => [label, data[key].toFixed(4)]);
  if (typeof data.training_time === "number") shown.push(["Training time", `${data.training_time} s`]);
  if (data.model_uri) shown.push(["Model URI", data.model_uri]);
  for (const [name, value] of Object.entries(metrics)) {
    if (!["accuracy", "macro_precision", "macro_recall", "macro_f1"].includes(name)) {
      shown.push([name, typeof value === "number" ? value.toFixed(4) : String(value)]);
    }
  }
  const table = $("train-metrics");
  table.replaceChildren(...shown.map(([name, value]) => {
    const row = document.createElement("tr");
    row.innerHTML = "<th></th><td></td>";
    row.children[0].textContent = name;
    row.children[1].textContent = value;
    return row;
  }));
  barChart($("train-chart"), trainingFigures.filter(([key]) => typeof data[key] === "number").map(([key, label]) => [label, data[key]]));

  const confusion = data.confusion_matrix;
  const matrix = $("train-confusion");
  matrix.replaceChildren();
  if (confusion) {
    const head = document.createElement("tr");
    head.append(document.createElement("th"));
    for (const label of confusion.labels) { const th = document.createElement("th"); th.textContent = label; head.append(th); }
    matrix.append(head);
    confusion.matrix.forEach((cells, i) => {
      const row = document.createElement("tr");
      const th = document.createElement("th"); th.textContent = confusion.labels[i]; row.append(th);
      cells.forEach((count, j) => { const td = document.createElement("td"); td.textContent = count; if (i === j) td.className = "hit"; row.append(td); });
      matrix.append(row);
    });
  }
  $("train-summary").textContent = data.registration === "pending"
    ? `Trained in ${data.training_time ?? "?"} s · not registered yet: ${data.registration_message ?? ""}`
    : `Trained in ${data.training_time ?? "?"} s · run ${data.run_id ?? "?"} · model ${data.model_name ?? "?"} version ${data.model_version ?? "?"}`;
  $("train-result").hidden = false;
}

async function train(event) {
  event.preventDefault();
  showError("train-error", "");
  $("train-result").hidden = true;
  $("train-log").replaceChildren();
  $("train-button").disabled = true;
  $("train-status").textContent = "starting…";
  try {
    const response = await call(api("functions/train:invoke"), {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ parameters: trainParameters() }),
    });
    if (!response.ok) throw new Error(await errorOf(response));
    for await (const e of readEvents(response)) {
      if (e.accepted) $("train-status").textContent = `invocation ${e.accepted.invocationId}`;
      else if (e.queued) $("train-status").textContent = `queued (position ${e.queued.position})`;
      else if (e.image) appendLog(`image ${e.image.image} (${e.image.cacheHit ? "cached" : "built"})`, "build");
      else if (e.buildLog) appendLog(e.buildLog.line, "build");
      else if (e.containerStarted) $("train-status").textContent = "training…";
      else if (e.log) appendLog(e.log.line, e.log.stream === "LOG_STREAM_STDERR" ? "stderr" : "stdout");
      else if (e.result) showTrainResult(e.result);
      else if (e.completed) {
        // Durations come as protobuf JSON: "1.042535600s".
        const seconds = parseFloat(e.completed.phases.total);
        $("train-status").textContent = `${e.completed.status.replace("INVOCATION_STATUS_", "").toLowerCase()} in ${seconds.toFixed(2)} s`;
        if (e.completed.errorMessage) showError("train-error", e.completed.errorMessage);
      } else if (e.code !== undefined && e.message) {
        // A stream that fails after it started ends with the error itself.
        showError("train-error", e.message);
      }
    }
    loadModels();
  } catch (error) {
    showError("train-error", error.message);
    $("train-status").textContent = "";
  } finally {
    $("train-button").disabled = false;
  }
}

// ---- Predict ---------------------------------------------------------------------------------

async function predict(event) {
  event.preventDefault();
  showError("predict-error", "");
  $("predict-result").hidden = true;
  const form = new FormData($("predict-form"));
  const features = ["sepal_length", "sepal_width", "petal_length", "petal_width"].map((name) => Number(form.get(name)));
  $("predict-button").disabled = true;
  $("predict-status").textContent = "predicting…";
  try {
    const response = await call("/invoke", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ function: "predict", parameters: { features, model_version: form.get("model_version") } }),
    });
    const body = await response.json();
    if (!response.ok || body.status !== "success") throw new Error(body.error || `HTTP ${response.status}`);
    $("predict-class").textContent = body.data.class;
    barChart($("predict-chart"), Object.entries(body.data.probabilities), { format: (v) => `${(v * 100).toFixed(1)} %` });
    $("predict-result").hidden = false;
    $("predict-status").textContent = `${body.execution_time} s`;
  } catch (error) {
    showError("predict-error", error.message);
    $("predict-status").textContent = "";
  } finally {
    $("predict-button").disabled = false;
  }
}

// ---- Models ----------------------------------------------------------------------------------

async function loadModels() {
  showError("models-error", "");
  try {
    const { models = [] } = await getJson(api("models"));
    const body = $("models-table").querySelector("tbody");
    body.replaceChildren();
    const select = $("predict-version");
    const chosen = select.value;
    select.replaceChildren(new Option("latest", "latest"));
    for (const model of models) {
      const { versions = [] } = await getJson(api(`models/${encodeURIComponent(model.name)}/versions`));
      for (const v of versions) {
        const row = document.createElement("tr");
        const cells = [model.name, v.version, new Date(v.createdTime).toLocaleString(), (v.aliases || []).map((a) => "@" + a).join(" "),
          v.metrics?.accuracy?.toFixed(4) ?? "", v.metrics?.macro_f1?.toFixed(4) ?? "", (v.runId || "").slice(0, 8)];
        for (const value of cells) { const td = document.createElement("td"); td.textContent = String(value); row.append(td); }
        body.append(row);
        if (model.name === "iris_model") select.append(new Option(`version ${v.version}`, String(v.version)));
      }
      if (model.name === "iris_model") {
        for (const alias of Object.keys(model.aliases || {})) select.append(new Option(`@${alias}`, `@${alias}`));
      }
    }
    if ([...select.options].some((o) => o.value === chosen)) select.value = chosen;
  } catch (error) {
    showError("models-error", `could not load the models: ${error.message}`);
  }
}

async function setAlias(event) {
  event.preventDefault();
  showError("alias-error", "");
  const form = new FormData($("alias-form"));
  try {
    const response = await call(api(`models/${encodeURIComponent(form.get("name"))}/aliases/${encodeURIComponent(form.get("alias"))}`), {
      method: "PUT",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ version: Number(form.get("version")) }),
    });
    if (!response.ok) throw new Error(await errorOf(response));
    $("alias-status").textContent = "set";
    loadModels();
  } catch (error) {
    showError("alias-error", error.message);
    $("alias-status").textContent = "";
  }
}

$("train-form").addEventListener("submit", train);
$("predict-form").addEventListener("submit", predict);
$("alias-form").addEventListener("submit", setAlias);
$("models-refresh").addEventListener("click", loadModels);
renderTrainForm();
loadModels();
