// The platform's live OpenAPI document (the gateway's merged /openapi.json): the console builds
// its forms from it, so a new operation or a changed bound appears here without a console change.

let documentPromise = null;

export function openapi() {
  documentPromise ??= fetch("/openapi.json", { credentials: "same-origin" }).then((response) => {
    if (!response.ok) throw new Error(`The API description could not be loaded (HTTP ${response.status}).`);
    return response.json();
  });
  documentPromise.catch(() => { documentPromise = null; });
  return documentPromise;
}

/** The schema `ref` points to (`#/components/schemas/X`), or the schema itself. */
export function deref(doc, schema, seen = new Set()) {
  let current = schema;
  while (current && current.$ref) {
    if (seen.has(current.$ref)) break;
    seen.add(current.$ref);
    const path = current.$ref.replace(/^#\//, "").split("/").map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
    current = path.reduce((node, key) => node?.[key], doc);
  }
  return current ?? {};
}

function findPath(doc, path) {
  if (doc.paths?.[path]) return doc.paths[path];
  // `/images/{image_id}/transform` may be spelled with another parameter name.
  const shape = path.replace(/\{[^}]+\}/g, "{}");
  const key = Object.keys(doc.paths ?? {}).find((p) => p.replace(/\{[^}]+\}/g, "{}") === shape);
  return key ? doc.paths[key] : null;
}

/** The JSON request body schema of `method path`, with its top level resolved. */
export async function requestSchema(method, path) {
  const doc = await openapi();
  const operation = findPath(doc, path)?.[method];
  const schema = operation?.requestBody?.content?.["application/json"]?.schema;
  if (!schema) throw new Error(`The API has no JSON body for ${method.toUpperCase()} ${path}.`);
  return deref(doc, schema);
}

/** `{schema, nullable}`: unwraps `anyOf: [X, {type: "null"}]` (how optional fields are written). */
export function unwrapNullable(doc, schema) {
  const resolved = deref(doc, schema);
  const variants = resolved.anyOf ?? resolved.oneOf;
  if (Array.isArray(variants)) {
    const nonNull = variants.filter((v) => deref(doc, v).type !== "null");
    if (nonNull.length === 1 && nonNull.length < variants.length) {
      const inner = deref(doc, nonNull[0]);
      return { schema: { ...inner, default: resolved.default ?? inner.default, description: resolved.description ?? inner.description, title: resolved.title ?? inner.title }, nullable: true };
    }
  }
  return { schema: resolved, nullable: false };
}

/** The first schema, the given one or one nested in its oneOf/anyOf, with property `name`. */
function variantWith(doc, schema, name, depth = 0) {
  const resolved = deref(doc, schema);
  if (resolved.properties?.[name]) return resolved;
  if (depth > 4) return resolved;
  for (const variant of resolved.oneOf ?? resolved.anyOf ?? []) {
    const found = variantWith(doc, variant, name, depth + 1);
    if (found.properties?.[name]) return found;
  }
  return resolved;
}

/** The operations a transform request may contain: [{op, title, description, schema}]. */
export async function transformModel(imagePath = "/images/{image_id}/transform") {
  const doc = await openapi();
  // The body is a choice (a spec in ordered or object form, or a preset reference): the
  // builder writes the ordered form, the variant with an `operations` list.
  const spec = variantWith(doc, await requestSchema("post", imagePath), "operations");
  const operationsProperty = deref(doc, spec.properties?.operations);
  const items = deref(doc, operationsProperty.items);
  const variants = items.oneOf ?? items.anyOf ?? [];
  const operations = variants.map((variant) => {
    const schema = deref(doc, variant);
    const opProperty = deref(doc, schema.properties?.op);
    const op = opProperty.const ?? opProperty.default ?? opProperty.enum?.[0];
    return { op, title: schema.title ?? op, description: schema.description ?? "", schema };
  }).filter((operation) => operation.op);
  const output = spec.properties?.output ? deref(doc, spec.properties.output) : null;
  return {
    doc,
    operations,
    output,
    maxOperations: operationsProperty.maxItems ?? null,
  };
}
