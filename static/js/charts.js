// Draws every chart on the page from the JSON that json_script put beside it.
// With JavaScript off the same numbers are in each card's table.
(function () {
  "use strict";
  // Only "download as PNG" and "reset axes": no button, link or dialog that sends
  // data or people off the site (no Plotly Cloud, no Chart Studio, no logo link).
  var config = {
    responsive: true,
    displaylogo: false,
    showLink: false,
    showSendToCloud: false,
    showEditInChartStudio: false,
    showTips: false,
    plotlyServerURL: "",
    modeBarButtons: [["toImage", "resetScale2d"]],
  };
  document.querySelectorAll("[data-chart]").forEach(function (element) {
    var source = document.getElementById(element.getAttribute("data-chart"));
    if (!source || !window.Plotly) {
      return;
    }
    var figure = JSON.parse(source.textContent);
    window.Plotly.newPlot(element, figure.data, figure.layout, config).then(function () {
      element.setAttribute("data-chart-drawn", "true");
    });
  });
})();
