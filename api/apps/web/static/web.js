// What every web app's script shares: its messages (the page's JSON data block, in the page's
// language), calls to the gateway with the session cookie and the session's CSRF token, and
// the sign-in form. Loaded before the app's own script; exposes window.Grootboek.
"use strict";
(function () {
  const messages = JSON.parse(document.getElementById("messages").textContent);
  let csrfToken = null;

  function t(key, values) {
    const text = Object.prototype.hasOwnProperty.call(messages, key) ? messages[key] : key;
    return text.replace(/\{(\w+)\}/g, (whole, name) => (values && name in values ? String(values[name]) : whole));
  }

  // A refusal in the page's language when the catalog knows the code, else the gateway's own words.
  function explain(body) {
    const code = body && body.code;
    return code && messages["error." + code] ? t("error." + code) : (body && body.message) || t("error.UNKNOWN");
  }

  async function call(method, path, body, headers) {
    const sent = Object.assign({ Accept: "application/json" }, headers || {});
    if (body !== undefined) sent["Content-Type"] = "application/json";
    if (method !== "GET" && csrfToken) sent["X-CSRF-Token"] = csrfToken;
    let response;
    try {
      response = await fetch(path, { method, headers: sent, credentials: "same-origin", cache: "no-store",
                                     body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (failure) {
      return { ok: false, status: 0, body: { code: "NETWORK", message: String(failure) } };
    }
    const text = await response.text();
    let parsed = null;
    try { parsed = text ? JSON.parse(text) : null; } catch (ignored) { parsed = { message: text }; }
    return { ok: response.ok, status: response.status, body: parsed, text };
  }

  const session = {
    async current(app) {
      const answer = await call("GET", "/" + app + "/session");
      csrfToken = answer.ok && answer.body.user ? answer.body.csrf_token : null;
      return answer;
    },
    async signIn(app, token) {
      const answer = await call("POST", "/" + app + "/session", { token });
      if (answer.ok) csrfToken = answer.body.csrf_token;
      return answer;
    },
    async signOut(app) {
      const answer = await call("DELETE", "/" + app + "/session");
      csrfToken = null;
      return answer;
    },
  };

  // The sign-in form of web/templates/web/sign_in.html: signs in to `app` with the token typed and
  // hands the session to `signedIn`; the token is cleared from the field either way.
  function signInForm(app, signedIn) {
    const field = document.getElementById("token");
    const error = document.getElementById("sign-in-error");
    const submit = document.getElementById("sign-in-submit");
    document.getElementById("sign-in-form").addEventListener("submit", async (event) => {
      event.preventDefault();
      error.textContent = "";
      if (!field.value.trim()) {
        error.textContent = t("sign_in.token_missing");
        field.setAttribute("aria-invalid", "true");
        return;
      }
      submit.disabled = true;
      submit.textContent = t("sign_in.busy");
      const answer = await session.signIn(app, field.value.trim());
      submit.disabled = false;
      submit.textContent = t("sign_in.submit");
      field.value = "";
      if (answer.ok) {
        field.removeAttribute("aria-invalid");
        signedIn(answer.body);
      } else {
        field.setAttribute("aria-invalid", "true");
        error.textContent = explain(answer.body);
        field.focus();
      }
    });
  }

  window.Grootboek = { t, explain, call, session, signInForm };
})();
