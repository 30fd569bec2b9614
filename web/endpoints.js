// The Endpoints tab: create or update an endpoint, watch its replicas change as they start, become ready,
// drain and go, and send a prediction to it (answered by a warm replica, which says its model version).
"use strict";

const endpoints = new Map();

function replicaSummary(endpoint) {
  const replicas = endpoint.replicas || [];
  if (!replicas.length) return "none";
  return replicas.map((r) => `${r.id} v${r.modelVersion} ${r.state.replace("REPLICA_STATE_", "").toLowerCase()}${r.canary ? " (canary)" : ""}`).join(", ");
}

function renderEndpoints() {
  const body = $("endpoints-table").tBodies[0];
  body.replaceChildren();
  const select = $("serve-endpoint");
  const chosen = select.value;
  select.replaceChildren();
  for (const endpoint of [...endpoints.values()].sort((a, b) => a.name.localeCompare(b.name))) {
    const row = body.insertRow();
    row.dataset.endpoint = endpoint.name;
    row.insertCell().textContent = endpoint.name;
    row.insertCell().textContent = `${endpoint.modelName} ${endpoint.modelVersion}`;
    const state = row.insertCell();
    state.textContent = endpoint.state.replace("ENDPOINT_STATE_", "").toLowerCase().replaceAll("_", " ");
    if (endpoint.message) state.title = endpoint.message;
    row.insertCell().textContent = replicaSummary(endpoint);
    const remove = document.createElement("button");
    remove.type = "button";
    remove.textContent = "Delete";
    remove.addEventListener("click", () => deleteEndpoint(endpoint.name));
    row.insertCell().append(remove);
    select.add(new Option(endpoint.name, endpoint.name, false, endpoint.name === chosen));
  }
}

/** Follows the control plane's watch stream; reconnects when it ends. */
async function watchEndpoints() {
  for (;;) {
    try {
      const response = await call(api("endpoints:watch"));
      if (!response.ok) throw new Error(await errorOf(response));
      endpoints.clear();
      for await (const change of readEvents(response)) {
        if (!change.endpoint) continue; // the end of the replay of what exists
        if (change.deleted) endpoints.delete(change.endpoint.name);
        else endpoints.set(change.endpoint.name, change.endpoint);
        renderEndpoints();
      }
    } catch (error) {
      showError("endpoint-error", `the endpoint list is not live: ${error.message}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

async function deleteEndpoint(name) {
  const response = await call(api(`endpoints/${encodeURIComponent(name)}`), { method: "DELETE" });
  showError("endpoint-error", response.ok ? "" : await errorOf(response));
}

$("endpoint-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const name = form.get("name");
  showError("endpoint-error", "");
  $("endpoint-button").disabled = true;
  $("endpoint-status").textContent = "starting replicas...";
  try {
    const response = await call(api(`endpoints/${encodeURIComponent(name)}`), {
      method: "PUT",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        function: "predict",
        modelName: form.get("modelName"),
        modelVersion: form.get("modelVersion"),
        minReplicas: Number(form.get("minReplicas")),
        maxReplicas: Number(form.get("maxReplicas")),
      }),
    });
    if (!response.ok) throw new Error(await errorOf(response));
    const endpoint = await response.json();
    $("endpoint-status").textContent = endpoint.state === "ENDPOINT_STATE_READY" ? "ready" : endpoint.message || endpoint.state;
  } catch (error) {
    $("endpoint-status").textContent = "";
    showError("endpoint-error", error.message);
  } finally {
    $("endpoint-button").disabled = false;
  }
});

$("serve-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const flower = ["sepal_length", "sepal_width", "petal_length", "petal_width"].map((f) => Number(form.get(f)));
  showError("serve-error", "");
  $("serve-result").hidden = true;
  const started = performance.now();
  try {
    const response = await call(`/endpoints/${encodeURIComponent(form.get("endpoint"))}/predict`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ instances: [flower] }),
    });
    const body = await response.json();
    if (!response.ok) throw new Error(body.error || `HTTP ${response.status}`);
    const prediction = body.predictions[0];
    const result = $("serve-result");
    result.replaceChildren("Predicted species: ", Object.assign(document.createElement("strong"), { id: "serve-class", textContent: prediction.class }),
      ` — answered by ${body.model_name} version `, Object.assign(document.createElement("strong"), { id: "serve-version", textContent: body.model_version }),
      ` in ${(performance.now() - started).toFixed(1)} ms`);
    result.hidden = false;
  } catch (error) {
    showError("serve-error", error.message);
  }
});

watchEndpoints();
