// A pipeline's steps drawn as a DAG in SVG, top to bottom: each step one layer below the deepest step it depends
// on; a map step as a stack with its item count; a built-in action as a hexagon. Coloured by status when a run's
// state is given. Wide layers wrap, so a pipeline of a hundred steps stays a scrollable picture, not a strip.
"use strict";

const dagNode = { width: 148, height: 44, gapX: 20, gapY: 34, pad: 16, perRow: 5, stack: 5 };

/** Layer of each step: 0 for a step with no dependencies, else one more than its deepest dependency. */
function dagLayers(steps) {
  const byId = new Map(steps.map((s) => [s.id, s]));
  const layer = new Map();
  const visiting = new Set();
  const depth = (id) => {
    if (layer.has(id)) return layer.get(id);
    if (visiting.has(id) || !byId.has(id)) return -1; // a cycle or an unknown step: the runner refuses those
    visiting.add(id);
    const deps = byId.get(id).dependsOn || [];
    const value = deps.length ? Math.max(...deps.map(depth)) + 1 : 0;
    visiting.delete(id);
    layer.set(id, Math.max(0, value));
    return layer.get(id);
  };
  steps.forEach((s) => depth(s.id));
  return layer;
}

/** Positions: layers top to bottom, each ordered by its parents' mean position (fewer crossings), wrapped past perRow. */
function dagLayout(steps) {
  const layers = dagLayers(steps);
  const rows = [];
  for (const step of steps) (rows[layers.get(step.id)] ||= []).push(step);
  const position = new Map();
  let y = dagNode.pad;
  let widest = 1;
  for (const row of rows.filter(Boolean)) {
    const centre = (s) => {
      const xs = (s.dependsOn || []).map((d) => position.get(d)?.x).filter((x) => x !== undefined);
      return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0;
    };
    const ordered = row.map((s, i) => ({ s, key: centre(s), i })).sort((a, b) => a.key - b.key || a.i - b.i).map((e) => e.s);
    for (let start = 0; start < ordered.length; start += dagNode.perRow) {
      const slice = ordered.slice(start, start + dagNode.perRow);
      widest = Math.max(widest, slice.length);
      slice.forEach((s, i) => position.set(s.id, { x: i * (dagNode.width + dagNode.gapX), y, count: slice.length }));
      y += dagNode.height + dagNode.gapY;
    }
  }
  const width = widest * (dagNode.width + dagNode.gapX) - dagNode.gapX + 2 * dagNode.pad;
  // Centre each row under the widest one.
  for (const p of position.values()) {
    p.x += dagNode.pad + ((widest - p.count) * (dagNode.width + dagNode.gapX)) / 2;
  }
  return { position, width, height: y - dagNode.gapY + dagNode.pad + dagNode.stack * 2 };
}

function svgElement(name, attributes = {}, text) {
  const element = document.createElementNS(svgNs, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

function clip(text, length) {
  return text.length > length ? text.slice(0, length - 1) + "…" : text;
}

/** A step's status word from the proto's enum name; a step the run has not reached yet is pending. */
function stepStatusWord(state) {
  return state?.status ? state.status.replace("STEP_STATUS_", "").toLowerCase() : "pending";
}

/** Taken from the cache: the step, or every item of a map step. */
function stepCached(state) {
  return Boolean(state?.cacheHit || (state?.items?.length && state.items.every((i) => i.cacheHit)));
}

/** The words a screen reader says for a step, and the tooltip. */
function stepDescription(step, state) {
  const kind = step.action ? `action ${step.action}` : `function ${step.function}`;
  const items = state?.items?.length ? `, ${state.items.length} items` : step.map ? ", over a list" : "";
  const status = state ? `: ${stepStatusWord(state)}${stepCached(state) ? " from the cache" : ""}` : "";
  const when = step.when ? `, when ${step.when}` : "";
  return `${step.id} (${kind}${items}${when})${status}`;
}

function stepShape(step, classes) {
  const { width: w, height: h } = dagNode;
  if (step.action) {
    const c = 14;
    return svgElement("polygon", { class: classes, points: `${c},0 ${w - c},0 ${w},${h / 2} ${w - c},${h} ${c},${h} 0,${h / 2}` });
  }
  return svgElement("rect", { class: classes, width: w, height: h, rx: 7 });
}

function dagDefs(prefix) {
  const defs = svgElement("defs");
  const arrow = svgElement("marker", { id: `${prefix}-arrow`, viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" });
  arrow.append(svgElement("path", { d: "M0,0 L10,5 L0,10 z", class: "dag-arrow" }));
  const hatch = svgElement("pattern", { id: `${prefix}-hatch`, width: 8, height: 8, patternUnits: "userSpaceOnUse", patternTransform: "rotate(45)" });
  hatch.append(svgElement("rect", { width: 8, height: 8, class: "dag-hatch-ground" }), svgElement("line", { x1: 0, y1: 0, x2: 0, y2: 8, class: "dag-hatch-line" }));
  defs.append(arrow, hatch);
  return defs;
}

/**
 * Draws the plan's steps into the svg. states: step id -> {status, cacheHit, items} (a run's), or null for the
 * plan alone. onSelect(stepId) is called when a step is clicked or chosen with the keyboard.
 */
function drawDag(svg, steps, states, { onSelect, selected } = {}) {
  const { position, width, height } = dagLayout(steps);
  svg.replaceChildren(dagDefs(svg.id));
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.setAttribute("width", String(width));
  svg.setAttribute("height", String(height));
  const { width: w, height: h } = dagNode;
  const mapped = new Set(steps.filter((s) => s.map).map((s) => s.id));
  const edges = svgElement("g", { class: "dag-edges", "aria-hidden": "true" });
  for (const step of steps) {
    const to = position.get(step.id);
    for (const dep of step.dependsOn || []) {
      const from = position.get(dep);
      if (!from || !to) continue;
      const x1 = from.x + w / 2, y1 = from.y + h + (mapped.has(dep) ? dagNode.stack * 2 : 0), x2 = to.x + w / 2, y2 = to.y - 2;
      const bend = Math.max(18, (y2 - y1) / 2);
      edges.append(svgElement("path", { d: `M${x1},${y1} C${x1},${y1 + bend} ${x2},${y2 - bend} ${x2},${y2}`, "marker-end": `url(#${svg.id}-arrow)` }));
    }
  }
  svg.append(edges);
  for (const step of steps) {
    const { x, y } = position.get(step.id);
    const state = states ? states.get(step.id) || {} : null;
    const status = state ? stepStatusWord(state) : "plan";
    const hatched = status === "skipped" || status === "cancelled";
    const node = svgElement("g", {
      class: `dag-step st-${status}${stepCached(state) ? " st-cached" : ""}${step.id === selected ? " selected" : ""}`,
      transform: `translate(${x},${y})`, "data-step": step.id, "aria-label": stepDescription(step, state),
      ...(onSelect ? { role: "button", tabindex: 0 } : { role: "img" }),
    });
    node.append(svgElement("title", {}, stepDescription(step, state)));
    if (step.map) {
      for (const offset of [2, 1]) {
        const back = stepShape(step, "dag-shape dag-stack");
        back.setAttribute("transform", `translate(${offset * dagNode.stack},${offset * dagNode.stack})`);
        node.append(back);
      }
    }
    const shape = stepShape(step, "dag-shape");
    if (hatched) shape.setAttribute("style", `fill: url(#${svg.id}-hatch)`);
    node.append(shape);
    node.append(svgElement("text", { x: w / 2, y: 18, "text-anchor": "middle", class: "dag-title" }, clip(step.id, 20)));
    const kind = step.action ? `⚙ ${step.action}` : step.function;
    const items = state?.items?.length;
    const done = items ? state.items.filter((i) => ["succeeded", "failed", "skipped", "cancelled"].includes(stepStatusWord(i))).length : 0;
    const count = step.map ? (items ? ` ×${items}${done < items ? ` (${done} done)` : ""}` : " ×n") : "";
    node.append(svgElement("text", { x: w / 2, y: 34, "text-anchor": "middle", class: "dag-kind" }, clip(kind, count ? 12 : 22) + count));
    if (step.when) node.append(svgElement("text", { x: 8, y: 14, class: "dag-when" }, "?"));
    if (stepCached(state)) {
      node.append(svgElement("rect", { x: w - 40, y: -8, width: 44, height: 15, rx: 7, class: "dag-cached" }),
        svgElement("text", { x: w - 18, y: 3, "text-anchor": "middle", class: "dag-cached-text" }, "cached"));
    }
    if (onSelect) {
      node.addEventListener("click", () => onSelect(step.id));
      node.addEventListener("keydown", (event) => {
        if (event.key === "Enter" || event.key === " ") { event.preventDefault(); onSelect(step.id); }
      });
    }
    svg.append(node);
  }
  svg.setAttribute("aria-label", `${steps.length} steps: ${steps.map((s) => s.id).join(", ")}`);
}
