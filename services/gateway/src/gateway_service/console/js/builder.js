// The transformation builder: every operation the API accepts, with fields from its schema, in
// the order the user arranges; art styles as one-click starting points; output options.

import { api, describeError } from "./api.js";
import { append, clear, h, uid } from "./dom.js";
import { createGroup, humanize } from "./fields.js";
import { transformModel, unwrapNullable } from "./openapi.js";

/** Art styles: the server's list when it has one, else the style choices in the schema. */
async function loadStyles(model, signal) {
  let listed = null;
  // Asked only where the API lists it (older servers would take "styles" for an image id).
  if (model.doc.paths?.["/images/styles"]?.get) {
    try {
      listed = await api("GET", "/images/styles", { signal });
    } catch (error) {
      if (error?.name === "AbortError") throw error;
    }
  }
  const items = Array.isArray(listed) ? listed : listed?.items ?? listed?.styles ?? null;
  if (items) {
    const styles = items.map((item) => styleFrom(model, item)).filter(Boolean);
    if (styles.length) return styles;
  }
  const derived = [];
  for (const operation of model.operations) {
    for (const [property, schema] of Object.entries(operation.schema.properties ?? {})) {
      const { schema: inner } = unwrapNullable(model.doc, schema);
      if (property === "style" && inner.enum) {
        for (const value of inner.enum) {
          derived.push({ name: value, label: humanize(value), operation: { op: operation.op, [property]: value } });
        }
      }
    }
  }
  return derived;
}

function styleFrom(model, item) {
  const entry = typeof item === "string" ? { name: item } : item;
  const name = entry.name ?? entry.id ?? entry.style;
  if (!name) return null;
  const label = entry.title ?? entry.label ?? humanize(name);
  const given = entry.operation ?? entry.spec ?? (entry.op ? entry : null);
  if (given?.op && model.operations.some((o) => o.op === given.op)) {
    const { name: _n, title: _t, label: _l, description: _d, ...operation } = given;
    return { name, label, description: entry.description, operation };
  }
  for (const candidate of model.operations) {
    if (candidate.op === name) return { name, label, description: entry.description, operation: { op: name } };
    for (const [property, schema] of Object.entries(candidate.schema.properties ?? {})) {
      const { schema: inner } = unwrapNullable(model.doc, schema);
      if (inner.enum?.includes(name)) {
        return { name, label, description: entry.description, operation: { op: candidate.op, [property]: name } };
      }
    }
  }
  return null;
}

function setValue(card, property, value) {
  const input = card.querySelector(`[name="${CSS.escape(property)}"]`);
  if (!input) return;
  if (input.type === "checkbox") input.checked = Boolean(value);
  else if (input.tagName === "SELECT" && [...input.options].some((o) => o.value === JSON.stringify(value))) input.value = JSON.stringify(value);
  else input.value = String(value);
  input.dispatchEvent(new Event("input"));
}

export async function renderBuilder(container, { imageId, signal, choicesFor, onRequested }) {
  const model = await transformModel();
  const styles = await loadStyles(model, signal).catch(() => []);
  const byOp = new Map(model.operations.map((operation) => [operation.op, operation]));
  const steps = [];

  const list = h("ol", { class: "steps", "aria-label": "Operations, in the order they run" });
  const emptyNote = h("p", { class: "hint steps-empty", text: "No operations yet: add one below, or pick an art style." });
  const addSelect = h("select", { id: uid("add-op") },
    model.operations.map((operation) => h("option", { value: operation.op, text: humanize(operation.op) })));
  const addButton = h("button", { type: "button", class: "button", text: "Add operation" });
  const status = h("div", { class: "notice", role: "status", hidden: true });
  const errorBox = h("div", { class: "notice notice-error", role: "alert", hidden: true });
  const outputGroup = model.output ? createGroup(model.doc, model.output, { path: "Output" }) : null;
  const submit = h("button", { type: "submit", class: "button button-primary", text: "Request transformation" });
  const bodyPreview = h("pre", { class: "json", tabindex: 0, "aria-label": "Request body" });

  const form = h("form", { class: "builder", novalidate: true, "aria-labelledby": "builder-title" },
    h("h2", { id: "builder-title", text: "Transform" }),
    h("p", { class: "hint", text: "Operations run top to bottom. Every field follows the API's own bounds." }),
    styles.length ? h("div", { class: "styles" },
      h("h3", { id: "styles-title", text: "Art styles" }),
      h("div", { class: "chips", role: "group", "aria-labelledby": "styles-title" },
        styles.map((style) => h("button", {
          type: "button", class: "chip", text: style.label, title: style.description ?? null,
          "aria-label": `Add the ${style.label} art style`,
          onclick: () => addStep(style.operation.op, style.operation),
        }))),
    ) : null,
    h("h3", { text: "Operations" }),
    emptyNote,
    list,
    h("div", { class: "add-step" },
      h("label", { for: addSelect.id, text: "Operation" }), addSelect, addButton),
    outputGroup ? h("fieldset", { class: "output" }, h("legend", { text: "Output" }), outputGroup.element) : null,
    h("details", { class: "request-body" }, h("summary", { text: "Request body (JSON)" }), bodyPreview),
    errorBox,
    status,
    h("div", { class: "actions" }, submit),
  );
  clear(container).append(form);

  addButton.addEventListener("click", () => addStep(addSelect.value));
  form.addEventListener("input", updatePreview);
  form.addEventListener("change", updatePreview);
  updatePreview();

  function addStep(op, preset = null) {
    if (model.maxOperations && steps.length >= model.maxOperations) {
      showError(`At most ${model.maxOperations} operations fit in one request.`);
      return;
    }
    const operation = byOp.get(op);
    const group = createGroup(model.doc, operation.schema, { skip: ["op"], path: humanize(op), context: { choicesFor } });
    const title = h("h4", { class: "step-title" });
    const card = h("li", { class: "step", dataset: { op } });
    const step = { op, group, card, title };
    const moveUp = h("button", { type: "button", class: "icon-button", text: "↑", onclick: () => move(step, -1) });
    const moveDown = h("button", { type: "button", class: "icon-button", text: "↓", onclick: () => move(step, 1) });
    const remove = h("button", { type: "button", class: "icon-button", text: "✕", onclick: () => removeStep(step) });
    step.buttons = { moveUp, moveDown, remove };
    append(card, [
      h("div", { class: "step-head" }, title, h("div", { class: "step-tools" }, moveUp, moveDown, remove)),
      operation.description ? h("p", { class: "hint", text: operation.description.replace(/`/g, "") }) : null,
      group.empty ? h("p", { class: "hint", text: "No settings." }) : group.element,
    ]);
    steps.push(step);
    list.append(card);
    for (const [property, value] of Object.entries(preset ?? {})) if (property !== "op") setValue(card, property, value);
    renumber();
    updatePreview();
    (group.empty ? remove : card.querySelector("input, select, textarea"))?.focus();
  }

  function move(step, delta) {
    const index = steps.indexOf(step);
    const target = index + delta;
    if (target < 0 || target >= steps.length) return;
    steps.splice(index, 1);
    steps.splice(target, 0, step);
    for (const s of steps) list.append(s.card);
    renumber();
    updatePreview();
    (delta < 0 ? step.buttons.moveUp : step.buttons.moveDown).focus();
  }

  function removeStep(step) {
    const index = steps.indexOf(step);
    steps.splice(index, 1);
    step.card.remove();
    renumber();
    updatePreview();
    const next = steps[index] ?? steps[index - 1];
    (next ? next.buttons.remove : addSelect).focus();
  }

  function renumber() {
    emptyNote.hidden = steps.length > 0;
    steps.forEach((step, index) => {
      const name = humanize(step.op);
      step.title.textContent = `${index + 1}. ${name}`;
      step.buttons.moveUp.setAttribute("aria-label", `Move step ${index + 1}, ${name}, up`);
      step.buttons.moveDown.setAttribute("aria-label", `Move step ${index + 1}, ${name}, down`);
      step.buttons.remove.setAttribute("aria-label", `Remove step ${index + 1}, ${name}`);
      step.buttons.moveUp.disabled = index === 0;
      step.buttons.moveDown.disabled = index === steps.length - 1;
    });
  }

  function readBody() {
    const operations = [];
    for (const step of steps) {
      const read = step.group.read();
      if (read.error) return read;
      operations.push({ op: step.op, ...read.value });
    }
    const body = { operations };
    if (outputGroup) {
      const read = outputGroup.read();
      if (read.error) return read;
      body.output = read.value;
    }
    return { value: body };
  }

  function updatePreview() {
    const read = readBody();
    bodyPreview.textContent = read.error ? `// ${read.error}` : JSON.stringify(read.value, null, 2);
  }

  function showError(message) {
    errorBox.textContent = message;
    errorBox.hidden = false;
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    errorBox.hidden = true;
    status.hidden = true;
    if (!steps.length && !outputGroup) {
      showError("Add at least one operation.");
      return;
    }
    const read = readBody();
    if (read.error) {
      showError(`${read.error}.`);
      read.focus?.();
      return;
    }
    submit.disabled = true;
    try {
      const transformation = await api("POST", `/images/${imageId}/transform`, { json: read.value, signal });
      status.textContent = transformation.status === "succeeded"
        ? "This exact transformation already exists; its result is below."
        : "Requested. Its status below updates live.";
      status.hidden = false;
      onRequested(transformation);
    } catch (error) {
      if (error?.name === "AbortError") return;
      showError(describeError(error));
    } finally {
      submit.disabled = false;
    }
  });
}
