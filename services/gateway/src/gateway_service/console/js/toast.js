// Short notices in a polite live region: screen readers announce them, nothing steals focus.

import { h } from "./dom.js";

const region = document.getElementById("toasts");

export function toast(message, kind = "info", seconds = 6) {
  const item = h("div", { class: `toast toast-${kind}`, text: message });
  region.append(item);
  setTimeout(() => item.remove(), seconds * 1000);
}
