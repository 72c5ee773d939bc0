// The assistant's page, progressively enhanced: the newest answer is shown
// and focused (the server already marks it autofocus; this also covers
// browsers that ignore autofocus on a non-form element), and the button says
// it is working while the question is sent. Without JavaScript the page
// works the same.
(function () {
  var a = document.getElementById('tra-loi-moi');
  if (a) {
    a.scrollIntoView({ block: 'start' });
    if (document.activeElement !== a) { a.focus({ preventScroll: true }); }
  }
  var f = document.getElementById('hoi');
  if (f) {
    f.addEventListener('submit', function () {
      var b = f.querySelector('button');
      if (b) { b.disabled = true; b.textContent = 'Đang hỏi…'; }
    });
  }
})();
