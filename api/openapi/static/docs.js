// Starts Swagger UI on /docs. A file of its own, not an inline script, so the page's
// Content-Security-Policy can forbid inline scripts.
window.addEventListener("load", function () {
  window.SwaggerUIBundle({ url: "openapi.json", dom_id: "#docs", persistAuthorization: true });
});
