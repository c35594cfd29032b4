// The till: shows sign-in until the shop has a session, then the till itself.
"use strict";
(function () {
  const G = window.Grootboek;
  const APP = "till";
  const signInSection = document.getElementById("sign-in");
  const tillSection = document.getElementById("till");
  const form = document.getElementById("sign-in-form");
  const tokenField = document.getElementById("token");
  const error = document.getElementById("sign-in-error");
  const submit = document.getElementById("sign-in-submit");

  function showTill(session) {
    document.getElementById("signed-in-as").textContent =
      G.t("signed_in_as", { user: session.merchant || session.user });
    signInSection.hidden = true;
    tillSection.hidden = false;
    document.getElementById("till-heading").focus();
  }

  function showSignIn() {
    tillSection.hidden = true;
    signInSection.hidden = false;
    tokenField.focus();
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    if (!tokenField.value.trim()) {
      error.textContent = G.t("till.token_missing");
      tokenField.setAttribute("aria-invalid", "true");
      return;
    }
    submit.disabled = true;
    submit.textContent = G.t("sign_in.busy");
    const answer = await G.session.signIn(APP, tokenField.value.trim());
    submit.disabled = false;
    submit.textContent = G.t("sign_in.submit");
    tokenField.value = "";
    if (answer.ok) {
      tokenField.removeAttribute("aria-invalid");
      showTill(answer.body);
    } else {
      tokenField.setAttribute("aria-invalid", "true");
      error.textContent = G.explain(answer.body);
      tokenField.focus();
    }
  });

  document.getElementById("sign-out").addEventListener("click", async () => {
    await G.session.signOut(APP);
    showSignIn();
  });

  G.session.current(APP).then((answer) => (answer.ok && answer.body.user ? showTill(answer.body) : showSignIn()));
})();
