// Form fields built from JSON Schema (as the API's OpenAPI document states them): the input
// type, bounds, choices and default all come from the schema.

import { h, uid } from "./dom.js";
import { deref, unwrapNullable } from "./openapi.js";

const ACRONYMS = { png: "PNG", icc: "ICC", id: "ID", jpeg: "JPEG", url: "URL", x: "X", y: "Y" };

export function humanize(name) {
  const words = String(name).replace(/([a-z])([A-Z])/g, "$1 $2").split(/[_\s]+/).filter(Boolean);
  return words
    .map((word, index) => {
      const lower = word.toLowerCase();
      if (ACRONYMS[lower]) return ACRONYMS[lower];
      return index === 0 ? lower.charAt(0).toUpperCase() + lower.slice(1) : lower;
    })
    .join(" ");
}

/** "1 to 10000", "more than 0, at most 1": the bounds as a person reads them. */
export function describeBounds(schema) {
  const parts = [];
  const { minimum, maximum, exclusiveMinimum, exclusiveMaximum, minLength, maxLength } = schema;
  if (minimum !== undefined && maximum !== undefined) parts.push(`${minimum} to ${maximum}`);
  else {
    if (minimum !== undefined) parts.push(`at least ${minimum}`);
    if (maximum !== undefined) parts.push(`at most ${maximum}`);
  }
  if (exclusiveMinimum !== undefined) parts.unshift(`more than ${exclusiveMinimum}`);
  if (exclusiveMaximum !== undefined) parts.push(`less than ${exclusiveMaximum}`);
  if (maxLength !== undefined) parts.push(`up to ${maxLength} characters`);
  else if (minLength !== undefined && minLength > 1) parts.push(`at least ${minLength} characters`);
  return parts.join(", ");
}

const HEX_COLOUR = /^#[0-9a-fA-F]{6}$/;

function choiceInput(id, values, { optional, emptyLabel, defaultValue }) {
  const select = h("select", { id });
  if (optional) select.append(h("option", { value: "", text: emptyLabel }));
  for (const value of values) {
    select.append(h("option", { value: JSON.stringify(value), text: humanize(String(value)) }));
  }
  if (defaultValue !== undefined) select.value = JSON.stringify(defaultValue);
  return select;
}

/**
 * One field for property `name`: {element, read(), focus()}; read() returns
 * {value} (undefined = leave it out) or {error} with a message naming the field.
 * `context.choicesFor(name, schema)` may supply choices for a field (e.g. the user's images).
 */
export function createField(doc, name, propertySchema, { required = false, context = {}, path = humanize(name) } = {}) {
  const { schema, nullable } = unwrapNullable(doc, propertySchema);
  const label = humanize(name);
  const id = uid(`f-${name}`);
  const hintId = `${id}-hint`;
  const hasDefault = schema.default !== undefined;
  const optional = !required || nullable;
  const description = [schema.description, describeBounds(schema)].filter(Boolean).join(" · ");

  if (schema.type === "object" && schema.properties) {
    // An optional object (resize's `focus`) may be left empty: its own required fields are
    // required only once one of them is filled, so an empty one never blocks the form.
    const group = createGroup(doc, schema, { context, path, optional });
    const fieldset = h("fieldset", { class: "subgroup" }, h("legend", { text: label }), group.element);
    const inner = new Set(schema.required ?? []);
    return {
      element: fieldset,
      focus: () => group.focus(),
      read() {
        const read = group.read();
        if (read.error) return read;
        const empty = Object.keys(read.value).length === 0;
        if (empty && optional) return { value: undefined };
        const missing = [...inner].filter((name) => read.value[name] === undefined);
        return missing.length ? { error: `${path}: ${missing.map(humanize).join(", ")} is required` } : read;
      },
    };
  }

  let input;
  let read;
  const choices = context.choicesFor?.(name, schema);
  const enumValues = schema.enum ?? (schema.const !== undefined ? [schema.const] : null);

  if (choices) {
    input = h("select", { id });
    input.append(h("option", { value: "", text: choices.length ? "Choose…" : "Nothing to choose from" }));
    for (const choice of choices) input.append(h("option", { value: choice.value, text: choice.label }));
    read = () => (input.value ? { value: input.value } : missing());
  } else if (enumValues) {
    input = choiceInput(id, enumValues, {
      optional: optional && !hasDefault,
      emptyLabel: name === "format" ? "Same as the original" : "Default",
      defaultValue: schema.default,
    });
    read = () => (input.value ? { value: JSON.parse(input.value) } : missing());
  } else if (schema.type === "boolean") {
    input = h("input", { id, type: "checkbox", checked: Boolean(schema.default) });
    read = () => ({ value: input.checked });
  } else if (schema.type === "integer" || schema.type === "number") {
    const integer = schema.type === "integer";
    input = h("input", {
      id,
      type: "number",
      inputmode: integer ? "numeric" : "decimal",
      step: integer ? "1" : "any",
      min: schema.minimum ?? schema.exclusiveMinimum,
      max: schema.maximum ?? schema.exclusiveMaximum,
      value: hasDefault ? String(schema.default) : "",
      required: required && !nullable,
    });
    read = () => {
      const raw = input.value.trim();
      if (raw === "") return input.validity.badInput ? invalid("must be a number") : missing();
      const value = Number(raw);
      if (!Number.isFinite(value) || (integer && !Number.isInteger(value))) {
        return invalid(integer ? "must be a whole number" : "must be a number");
      }
      const { minimum, maximum, exclusiveMinimum, exclusiveMaximum } = schema;
      const outside = (minimum !== undefined && value < minimum) || (maximum !== undefined && value > maximum)
        || (exclusiveMinimum !== undefined && value <= exclusiveMinimum)
        || (exclusiveMaximum !== undefined && value >= exclusiveMaximum);
      return outside ? invalid(`must be ${describeBounds(schema)}`) : { value };
    };
  } else if (schema.type === "string") {
    const colour = hasDefault && HEX_COLOUR.test(schema.default);
    input = h("input", {
      id,
      type: "text",
      value: hasDefault ? schema.default : "",
      maxlength: schema.maxLength,
      required: required && !nullable,
      spellcheck: colour ? false : null,
      autocomplete: "off",
    });
    read = () => {
      const value = input.value;
      if (value.trim() === "") return missing();
      if (schema.minLength !== undefined && value.length < schema.minLength) return invalid(`needs at least ${schema.minLength} characters`);
      if (schema.maxLength !== undefined && value.length > schema.maxLength) return invalid(`takes at most ${schema.maxLength} characters`);
      return { value };
    };
    if (colour) {
      const picker = h("input", { type: "color", value: schema.default.toLowerCase(), "aria-label": `${label}: pick a colour`, class: "colour-picker" });
      picker.addEventListener("input", () => { input.value = picker.value; });
      input.addEventListener("input", () => { if (HEX_COLOUR.test(input.value)) picker.value = input.value.toLowerCase(); });
      const wrapper = h("div", { class: "with-picker" }, input, picker);
      return finish(wrapper);
    }
  } else {
    // Anything else the schema may grow (arrays, unions): JSON, checked by the server.
    input = h("textarea", { id, rows: 2, spellcheck: false });
    if (hasDefault) input.value = JSON.stringify(schema.default);
    read = () => {
      if (input.value.trim() === "") return missing();
      try {
        return { value: JSON.parse(input.value) };
      } catch {
        return invalid("must be JSON");
      }
    };
  }
  return finish(input);

  function missing() {
    return optional ? { value: undefined } : invalid("is required");
  }
  function invalid(message) {
    input.setAttribute("aria-invalid", "true");
    return { error: `${path} ${message}`, focus: () => input.focus() };
  }
  function finish(control) {
    if (description) input.setAttribute("aria-describedby", hintId);
    input.name = name;
    const checkbox = input.type === "checkbox";
    const labelEl = h("label", { for: id }, label, required && !nullable && !checkbox ? h("span", { class: "required", "aria-hidden": "true", text: " *" }) : null);
    const element = h("div", { class: checkbox ? "field field-check" : "field" },
      checkbox ? [control, labelEl] : [labelEl, control],
      description ? h("p", { class: "hint", id: hintId, text: description }) : null,
    );
    return {
      element,
      focus: () => input.focus(),
      read() {
        input.removeAttribute("aria-invalid");
        return read();
      },
    };
  }
}

/** Fields for every property of an object schema except `skip`; read() gives the object. */
export function createGroup(doc, objectSchema, { skip = [], context = {}, path = "", optional = false } = {}) {
  const schema = deref(doc, objectSchema);
  const required = new Set(optional ? [] : schema.required ?? []);
  const fields = Object.entries(schema.properties ?? {})
    .filter(([name]) => !skip.includes(name))
    .map(([name, property]) => [name, createField(doc, name, property, {
      required: required.has(name), context, path: path ? `${path}: ${humanize(name)}` : humanize(name),
    })]);
  return {
    element: h("div", { class: "fields" }, fields.map(([, field]) => field.element)),
    empty: fields.length === 0,
    focus: () => fields[0]?.[1].focus(),
    read() {
      const value = {};
      for (const [name, field] of fields) {
        const result = field.read();
        if (result.error) return result;
        if (result.value !== undefined) value[name] = result.value;
      }
      return { value };
    },
  };
}
