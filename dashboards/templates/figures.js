/* liandong publication: draws every figure of the page from its JSON data block with the bundled Plotly.
   The page has no inline script (Content-Security-Policy script-src 'self'); this file is the only code
   besides plotly.min.js. */
(function () {
  "use strict";
  function draw() {
    var blocks = document.querySelectorAll("script.figure-data");
    for (var i = 0; i < blocks.length; i++) {
      var block = blocks[i];
      var spec = JSON.parse(block.textContent);
      var target = document.getElementById(block.getAttribute("data-for"));
      if (target && window.Plotly) {
        window.Plotly.newPlot(target, spec.figure.data, spec.figure.layout, spec.config);
      }
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
