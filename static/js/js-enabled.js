// GOV.UK Frontend's js-enabled snippet, moved out of the page so the
// Content-Security-Policy needs no inline script. Loaded first thing in <body>.
document.body.className +=
  " js-enabled" +
  ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
