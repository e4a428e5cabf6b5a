// Twoway: Swagger UI shows the service's own description. The browser already holds the credentials it was asked for
// at /docs (Basic, the token as the password) and sends them with the document's request and with "Try it out".
window.onload = function () {
  window.ui = SwaggerUIBundle({
    // the origin, not a relative URL: a page opened as http://user:token@host/docs may not fetch relative to itself
    url: window.location.origin + "/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    tagsSorter: "alpha",
    // no badge from validator.swagger.io: the page makes no request outside the service
    validatorUrl: null
  });
};
