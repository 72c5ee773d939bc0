// hocvuso account sheet: the «In» and «Chép» buttons. An enhancement only:
// without JavaScript the page shows everything and prints with the
// browser's own command.
(function () {
  'use strict';
  function each(sel, f) { Array.prototype.forEach.call(document.querySelectorAll(sel), f); }

  each('[data-print]', function (b) {
    b.hidden = false;
    b.addEventListener('click', function () { window.print(); });
  });

  // Copy through a hidden text box where the clipboard API is missing
  // (a page served over plain http on the commune's network).
  function copyByHand(text) {
    var t = document.createElement('textarea');
    t.value = text;
    t.setAttribute('readonly', '');
    t.style.position = 'fixed';
    t.style.opacity = '0';
    document.body.appendChild(t);
    t.select();
    var ok = false;
    try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
    document.body.removeChild(t);
    return ok;
  }

  each('[data-copy]', function (b) {
    var source = document.getElementById(b.getAttribute('data-copy'));
    if (!source) { return; }
    var label = b.textContent;
    b.hidden = false;
    b.addEventListener('click', function () {
      var text = source.textContent.trim();
      function done() {
        b.textContent = 'Đã chép';
        setTimeout(function () { b.textContent = label; }, 2000);
      }
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(done, function () { if (copyByHand(text)) { done(); } });
      } else if (copyByHand(text)) {
        done();
      }
    });
  });
})();
