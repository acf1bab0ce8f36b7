// MathJax for the proofs' $…$ (pymdownx.arithmatex, generic mode). MathJax itself is
// loaded by the browser when a page is viewed, never at build time.
window.MathJax = {
  tex: { inlineMath: [["\\(", "\\)"]], displayMath: [["\\[", "\\]"]],
         processEscapes: true, processEnvironments: true },
  options: { ignoreHtmlClass: ".*|", processHtmlClass: "arithmatex" }
};
document$.subscribe(() => { MathJax.typesetPromise && MathJax.typesetPromise(); });
