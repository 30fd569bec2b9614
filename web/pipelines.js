// The Pipelines tab: the pipelines and the DAG of the chosen one, an inputs form to run it (with or without the
// cache), its runs, and a run's DAG coloured live from the run's watch stream (which replays what was missed).
// A run to open can be given in the address (?run=<id>#pipelines): the dashboard links each run's resource so.
"use strict";

// dirty: the steps changed since the last frame; the details panel is drawn again only when its step is one.
const pipelineTab = { pipelines: [], view: null, watch: null, selected: null, frame: 0, dirty: new Set(), panelShows: "" };
const logLinesKept = 200;
const endedStatuses = ["SUCCEEDED", "FAILED", "CANCELLED"];

const runWord = (status) => (status || "PIPELINE_RUN_STATUS_PENDING").replace("PIPELINE_RUN_STATUS_", "").toLowerCase();
const chosenPipeline = () => pipelineTab.pipelines.find((p) => p.name === $("pipeline-select").value);

// ---- Pipelines and their inputs ------------------------------------------------------------------

async function loadPipelines() {
  showError("pipeline-error", "");
  try {
    const { pipelines = [] } = await getJson(api("pipelines"));
    pipelineTab.pipelines = pipelines;
    const select = $("pipeline-select");
    const chosen = select.value;
    select.replaceChildren(...pipelines.map((p) => new Option(p.definitionError ? `${p.name} (does not validate)` : p.name, p.name, false, p.name === chosen)));
    showPipeline();
  } catch (error) {
    showError("pipeline-error", `could not load the pipelines: ${error.message}`);
  }
}

function showPipeline() {
  const pipeline = chosenPipeline();
  $("pipeline-run-button").disabled = !pipeline || Boolean(pipeline.definitionError);
  $("pipeline-description").textContent = pipeline?.description || "";
  showError("pipeline-error", pipeline?.definitionError || "");
  drawDag($("pipeline-dag"), pipeline?.steps || [], null);
  renderPipelineInputs(pipeline?.inputs || []);
  loadRuns();
}

function renderPipelineInputs(inputs) {
  const fields = $("pipeline-inputs");
  fields.replaceChildren();
  for (const input of inputs) {
    const label = document.createElement("label");
    label.textContent = input.name + (input.required ? " (required)" : "");
    label.title = input.description || "";
    const field = document.createElement("input");
    // Not a name: the Train form's fields have the same ones (n_estimators).
    field.dataset.input = input.name;
    field.dataset.type = input.type;
    const preset = input.defaultValue;
    if (input.type === "boolean") {
      field.type = "checkbox";
      field.checked = preset === true;
      label.classList.add("check");
    } else {
      if (input.type === "integer" || input.type === "number") {
        field.type = "number";
        field.step = input.type === "integer" ? "1" : "any";
      } else if (input.type === "array") {
        field.placeholder = "[1, 2, 3]";
      }
      if (preset !== undefined && preset !== null) field.value = typeof preset === "object" ? JSON.stringify(preset) : String(preset);
      field.required = Boolean(input.required) && (preset === undefined || preset === null);
    }
    label.append(field);
    fields.append(label);
  }
}

/** The form's inputs in their declared types; an empty field is left out (the runner fills its default). */
function pipelineInputs() {
  const values = {};
  for (const field of $("pipeline-inputs").querySelectorAll("input")) {
    const type = field.dataset.type;
    const name = field.dataset.input;
    if (type === "boolean") { values[name] = field.checked; continue; }
    const text = field.value.trim();
    if (text === "") continue;
    if (type === "integer" || type === "number") {
      values[name] = Number(text);
    } else if (type === "array") {
      let list;
      try { list = JSON.parse(text.startsWith("[") ? text : `[${text}]`); } catch { list = undefined; }
      if (!Array.isArray(list)) throw new Error(`inputs.${name}: a list, as JSON ([25, 50]) or separated by commas`);
      values[name] = list;
    } else {
      values[name] = text;
    }
  }
  return values;
}

async function runPipeline(event) {
  event.preventDefault();
  const pipeline = chosenPipeline();
  if (!pipeline) return;
  showError("pipeline-error", "");
  $("pipeline-run-button").disabled = true;
  $("pipeline-status").textContent = "starting…";
  try {
    const response = await call(api(`pipelines/${encodeURIComponent(pipeline.name)}:runAsync`), {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ inputs: pipelineInputs(), noCache: $("pipeline-no-cache").checked }),
    });
    if (!response.ok) throw new Error(await errorOf(response));
    const { runId } = await response.json();
    $("pipeline-status").textContent = `run ${runId} started`;
    loadRuns();
    followRun(runId);
  } catch (error) {
    $("pipeline-status").textContent = "";
    showError("pipeline-error", error.message);
  } finally {
    $("pipeline-run-button").disabled = false;
  }
}

// ---- Runs ------------------------------------------------------------------------------------------

function runCounts(steps = []) {
  const done = steps.filter((s) => !["pending", "running"].includes(stepStatusWord(s))).length;
  return { done, total: steps.length, cached: steps.filter(stepCached).length };
}

async function loadRuns() {
  const pipeline = chosenPipeline();
  const body = $("pipeline-runs").tBodies[0];
  if (!pipeline) { body.replaceChildren(); return; }
  try {
    const { runs = [] } = await getJson(api(`pipelineRuns?pipeline=${encodeURIComponent(pipeline.name)}&pageSize=20`));
    body.replaceChildren();
    for (const run of runs) {
      const row = body.insertRow();
      row.dataset.run = run.id;
      const open = document.createElement("button");
      open.type = "button";
      open.className = "link";
      open.textContent = run.id.slice(0, 8);
      open.setAttribute("aria-label", `open run ${run.id}`);
      open.addEventListener("click", () => followRun(run.id));
      row.insertCell().append(open);
      const status = row.insertCell();
      status.textContent = runWord(run.status);
      status.className = `run-status st-${runWord(run.status)}`;
      row.insertCell().textContent = run.createdTime ? new Date(run.createdTime).toLocaleString() : "";
      const { done, total, cached } = runCounts(run.steps);
      row.insertCell().textContent = `${done}/${total}`;
      row.insertCell().textContent = String(cached);
      row.insertCell().textContent = seconds(run.createdTime, run.endTime);
    }
  } catch (error) {
    showError("pipeline-error", `could not load the runs: ${error.message}`);
  }
}

// ---- One run, live ---------------------------------------------------------------------------------

function newRunView(runId) {
  return { id: runId, pipeline: "", plan: null, run: null, steps: new Map() };
}

function stepRecord(view, stepId, item) {
  let record = view.steps.get(stepId);
  if (!record) view.steps.set(stepId, record = { step: stepId, logs: [] });
  if (item === undefined || item === null) return record;
  record.items ||= [];
  return record.items[item] ||= { step: stepId, item, logs: [] };
}

/** Takes a StepRun as the runner sent it, keeping the lines logged so far (and its items' lines). */
function mergeStep(record, stepRun) {
  const { items, ...fields } = stepRun;
  Object.assign(record, fields);
  (items || []).forEach((entry, index) => {
    record.items ||= [];
    mergeStep(record.items[entry.item ?? index] ||= { step: record.step, item: entry.item ?? index, logs: [] }, entry);
  });
}

function applyRunEvent(view, e) {
  pipelineTab.dirty.add(e.step || "*");
  if (e.accepted) {
    view.pipeline = e.accepted.pipeline;
    view.plan = e.accepted.plan || view.plan;
    return;
  }
  if (e.completed) {
    view.run = e.completed;
    view.pipeline ||= e.completed.pipeline;
    for (const step of e.completed.steps || []) mergeStep(stepRecord(view, step.step), step);
    return;
  }
  if (!e.step) return;
  const record = stepRecord(view, e.step, e.item);
  if (e.stepQueued) {
    record.status ||= "STEP_STATUS_PENDING";
  } else if (e.stepStarted) {
    Object.assign(record, { status: "STEP_STATUS_RUNNING", cacheKey: e.stepStarted.cacheKey, attempts: e.stepStarted.attempt });
    if (e.stepStarted.invocationId) record.invocationId = e.stepStarted.invocationId;
    record.startTime ||= e.time;
    const parent = stepRecord(view, e.step);
    if (parent !== record && stepStatusWord(parent) === "pending") { parent.status = "STEP_STATUS_RUNNING"; parent.startTime ||= e.time; }
  } else if (e.stepCached) {
    Object.assign(record, { cacheHit: true, cacheKey: e.stepCached.cacheKey, cacheSourceRun: e.stepCached.cacheSourceRun });
  } else if (e.stepLog) {
    record.logs.push({ line: e.stepLog.line, stderr: e.stepLog.stream === "LOG_STREAM_STDERR" });
    if (record.logs.length > logLinesKept) record.logs.splice(0, record.logs.length - logLinesKept);
  } else if (e.stepCompleted) {
    mergeStep(record, e.stepCompleted);
  }
}

/** Draws the run at most once a frame, however fast its events come. */
function scheduleRunRender() {
  if (!pipelineTab.frame) pipelineTab.frame = requestAnimationFrame(() => { pipelineTab.frame = 0; renderRun(); });
}

function renderRun() {
  const view = pipelineTab.view;
  if (!view) return;
  const steps = view.plan?.steps || [];
  const records = [...view.steps.values()];
  const { done, cached } = runCounts(records);
  const status = view.run ? runWord(view.run.status) : records.some((r) => stepStatusWord(r) !== "pending") ? "running" : "pending";
  $("run-title").textContent = `Run ${view.id}${view.pipeline ? ` of ${view.pipeline}` : ""}`;
  const summary = $("run-summary");
  summary.textContent = `${status} · ${done}/${steps.length || records.length} steps done · ${cached} from the cache`
    + (view.run?.traceId ? ` · trace ${view.run.traceId}` : "")
    + (view.run?.errorMessage ? ` · ${view.run.errorCode || ""} ${view.run.errorMessage}` : "");
  summary.className = `run-status st-${status}`;
  $("run-cancel").hidden = endedStatuses.includes(status.toUpperCase());
  // A keyboard user's place survives the redraw.
  const focused = document.activeElement?.closest?.("#run-dag [data-step]")?.dataset.step;
  drawDag($("run-dag"), steps, view.steps, { selected: pipelineTab.selected?.step, onSelect: (step) => selectStep(step) });
  if (focused) $("run-dag").querySelector(`[data-step="${CSS.escape(focused)}"]`)?.focus();
  const chosen = pipelineTab.selected ? `${view.id}/${pipelineTab.selected.step}/${pipelineTab.selected.item ?? ""}` : "";
  if (chosen !== pipelineTab.panelShows || pipelineTab.dirty.has("*") || pipelineTab.dirty.has(pipelineTab.selected?.step)) renderSelectedStep();
  pipelineTab.panelShows = chosen;
  pipelineTab.dirty.clear();
}

function renderSelectedStep() {
  const panel = $("step-details");
  const view = pipelineTab.view;
  const chosen = pipelineTab.selected;
  const step = view?.plan?.steps?.find((s) => s.id === chosen?.step);
  panel.hidden = !step;
  if (!step) return;
  const record = stepRecord(view, step.id, chosen.item);
  renderStepDetails(panel, step, record, {
    openRun: (runId) => followRun(runId),
    selectItem: (item) => selectStep(step.id, item),
  });
}

function selectStep(step, item) {
  pipelineTab.selected = { step, item };
  scheduleRunRender();
}

/** Shows the pipeline of the run opened (from the address or a cache hit's source run), with its runs. */
function choosePipeline(name) {
  const select = $("pipeline-select");
  if (!name || select.value === name || !pipelineTab.pipelines.some((p) => p.name === name)) return;
  select.value = name;
  showPipeline();
}

/** Needed only when the replay did not carry the plan: the pipeline as it is now. */
async function loadPlan(view) {
  if (view.plan || !view.pipeline) return;
  try {
    view.plan = await getJson(api(`pipelines/${encodeURIComponent(view.pipeline)}`));
    scheduleRunRender();
  } catch (error) {
    showError("run-error", `could not load the plan of ${view.pipeline}: ${error.message}`);
  }
}

/** Follows one run's watch until it completes; a stream that breaks is followed again (it replays from the start). */
async function followRun(runId) {
  pipelineTab.watch?.abort();
  const watch = pipelineTab.watch = new AbortController();
  pipelineTab.view = newRunView(runId);
  pipelineTab.selected = null;
  showError("run-error", "");
  $("pipeline-run").hidden = false;
  scheduleRunRender();
  for (let attempt = 0; attempt < 30 && !watch.signal.aborted; attempt++) {
    try {
      const response = await call(api(`pipelineRuns/${encodeURIComponent(runId)}:watch`), { signal: watch.signal });
      if (!response.ok) throw new Error(await errorOf(response));
      const view = pipelineTab.view = newRunView(runId);
      for await (const e of readEvents(response)) {
        if (watch.signal.aborted) return;
        if (e.code !== undefined && e.message) throw new Error(e.message);
        applyRunEvent(view, e);
        if (e.accepted || e.completed) {
          loadPlan(view);
          choosePipeline(view.pipeline);
        }
        scheduleRunRender();
        if (e.completed) {
          loadRuns();
          return;
        }
      }
    } catch (error) {
      if (watch.signal.aborted) return;
      showError("run-error", `the run is not live: ${error.message}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

async function cancelRun() {
  const view = pipelineTab.view;
  if (!view) return;
  const response = await call(api(`pipelineRuns/${encodeURIComponent(view.id)}:cancel`), {
    method: "POST", headers: { "Content-Type": "application/json" }, body: "{}",
  });
  showError("run-error", response.ok ? "" : await errorOf(response));
}

$("pipeline-select").addEventListener("change", showPipeline);
$("pipeline-form").addEventListener("submit", runPipeline);
$("pipeline-runs-refresh").addEventListener("click", loadRuns);
$("run-cancel").addEventListener("click", cancelRun);
loadPipelines().then(() => {
  const runId = new URLSearchParams(location.search).get("run");
  if (runId) followRun(runId);
});
