// Sign in and create an account.

import { describeError } from "../api.js";
import { h, uid } from "../dom.js";
import { startLive } from "../live.js";
import { requestSchema } from "../openapi.js";
import { signIn, signUp } from "../session.js";

function field(label, input, hint) {
  const id = input.id || (input.id = uid("field"));
  const hintId = hint ? `${id}-hint` : null;
  if (hintId) input.setAttribute("aria-describedby", hintId);
  return h("div", { class: "field" },
    h("label", { for: id, text: label }),
    input,
    hint ? h("p", { class: "hint", id: hintId, text: hint }) : null,
  );
}

function messageFor(error, mode) {
  if (error.status === 401) return "Wrong username or password. Check both and try again.";
  if (error.status === 400 && mode === "sign-up") return error.message;
  return describeError(error);
}

async function passwordHint() {
  // The rules are the server's: shown from its own schema, so they never drift from what it checks.
  const schema = await requestSchema("post", "/auth/register").catch(() => null);
  return schema?.properties?.password?.description ?? null;
}

export async function renderAuth(main, { navigate, signal }, mode) {
  const signingUp = mode === "sign-up";
  const errorBox = h("div", { class: "notice notice-error", role: "alert", hidden: true });
  const username = h("input", { name: "username", autocomplete: "username", required: true, autocapitalize: "none", spellcheck: false });
  const password = h("input", {
    name: "password", type: "password", required: true,
    autocomplete: signingUp ? "new-password" : "current-password",
  });
  const email = h("input", { name: "email", type: "email", autocomplete: "email", required: true });
  const remember = h("input", { name: "remember_me", type: "checkbox", id: uid("remember") });
  const submit = h("button", { type: "submit", class: "button button-primary", text: signingUp ? "Create account" : "Sign in" });

  const form = h("form", { class: "card auth-card", novalidate: true },
    h("h1", { tabindex: -1, text: signingUp ? "Create your account" : "Sign in" }),
    h("p", { class: "lede", text: signingUp
      ? "Upload, transform and share your images."
      : "Welcome back. Sign in to manage your images." }),
    errorBox,
    field("Username", username),
    signingUp ? field("Email", email) : null,
    field("Password", password, signingUp ? "…" : null),
    signingUp ? null : h("div", { class: "field field-check" }, remember, h("label", { for: remember.id, text: "Remember me on this device" })),
    submit,
    h("p", { class: "switch" }, signingUp
      ? ["Already have an account? ", h("a", { href: "#/sign-in", text: "Sign in" })]
      : ["New here? ", h("a", { href: "#/sign-up", text: "Create an account" })]),
  );
  main.append(h("div", { class: "auth" }, form));

  if (signingUp) {
    const hint = form.querySelector(".hint");
    passwordHint().then((text) => {
      if (signal.aborted) return;
      if (text) hint.textContent = text;
      else hint.remove();
    });
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    errorBox.hidden = true;
    const missing = [username, signingUp ? email : null, password].find((input) => input && !input.value.trim());
    if (missing) {
      showError(`Enter your ${missing.name === "email" ? "email address" : missing.name}.`, missing);
      return;
    }
    submit.disabled = true;
    form.setAttribute("aria-busy", "true");
    try {
      if (signingUp) await signUp(username.value.trim(), email.value.trim(), password.value);
      else await signIn(username.value.trim(), password.value, remember.checked);
      startLive();
      navigate("/");
    } catch (error) {
      showError(messageFor(error, mode), error.status === 401 ? password : null);
    } finally {
      submit.disabled = false;
      form.removeAttribute("aria-busy");
    }
  });

  function showError(message, focusTarget) {
    errorBox.textContent = message;
    errorBox.hidden = false;
    focusTarget?.focus();
  }
}
