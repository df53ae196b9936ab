// The API reference: Swagger UI rendering the spec this same origin serves. A file of its own,
// not an inline script: the page's Content-Security-Policy (firebase.json) allows scripts from
// this origin only.
//
// "Try it out" sends the reader's API key to the selected server, so the first server is the
// origin this page came from (`make run`'s Hosting, or your deployment), never a placeholder
// host that is not theirs; the spec's own servers follow.
"use strict";

async function main() {
  const response = await fetch("/v1/openapi.json");
  if (!response.ok) throw new Error(`GET /v1/openapi.json answered ${response.status}`);
  const spec = await response.json();
  const here = { url: location.origin, description: "This server (where this page is served from)" };
  spec.servers = [here, ...(spec.servers || []).filter((server) => server.url !== here.url)];
  // Every route is listed; an operation opens (its parameters, request and response examples)
  // on a click or from a link, /docs/#/<tag>/<operationId>. Not docExpansion "full": Swagger
  // UI resolves each open operation of a 3.1 spec, which for all of them at once is over a
  // minute of CPU on a small machine.
  window.ui = SwaggerUIBundle({
    spec,
    dom_id: "#swagger-ui",
    docExpansion: "list",
    deepLinking: true,
    defaultModelsExpandDepth: 0,
    validatorUrl: null, // no badge from validator.swagger.io, which would fetch our spec
  });
}

main().catch((error) => {
  document.getElementById("swagger-ui").textContent = "Could not load the API reference: " + error.message;
});
