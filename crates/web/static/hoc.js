// hocvuso learning pages: offline reading, offline quiz answers, read aloud.
// Everything here is an enhancement: without JavaScript the pages work as
// plain links and forms.
(function () {
  'use strict';
  var KEY = 'hocvuso-bai-lam-cho-gui';
  var hasSW = 'serviceWorker' in navigator;
  if (hasSW) { navigator.serviceWorker.register('/sw.js').catch(function () {}); }

  function $(id) { return document.getElementById(id); }
  function queue() { try { return JSON.parse(localStorage.getItem(KEY) || '[]'); } catch (e) { return []; } }
  function setQueue(q) { try { localStorage.setItem(KEY, JSON.stringify(q)); } catch (e) {} }
  function say(msg) { var el = $('ket-qua-ngoai-tuyen'); if (el) { el.textContent = msg; el.className = 'note'; } }
  function newId() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var s = 'c-'; for (var i = 0; i < 24; i++) { s += Math.floor(Math.random() * 36).toString(36); } return s;
  }

  // Quiz answers given without a network wait here and are sent later,
  // each with its own id so that the server records it exactly once.
  var sending = false;
  function flush() {
    var q = queue();
    if (sending || !q.length) { return; }
    sending = true;
    var item = q[0];
    fetch(item.url, {
      method: 'POST', credentials: 'same-origin', body: item.body,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Accept': 'application/json' }
    }).then(function (r) {
      if (r.status === 403) { sending = false; say('Có bài làm chờ gửi: hãy đăng nhập lại để gửi.'); return; }
      return r.json().catch(function () { return null; }).then(function (j) {
        setQueue(queue().filter(function (x) { return x.id !== item.id; }));
        sending = false;
        if (j && typeof j.correct === 'number') {
          say('Đã gửi bài làm lúc mất mạng: đúng ' + j.correct + '/' + j.total + (j.passed ? ' câu — Đạt.' : ' câu — chưa đạt.'));
        }
        flush();
      });
    }).catch(function () { sending = false; });
  }
  window.addEventListener('online', flush);
  setInterval(function () { if (queue().length) { flush(); } }, 15000);
  flush();

  var form = $('bai-kiem-tra');
  if (form && window.fetch && window.FormData && window.URLSearchParams && window.DOMParser) {
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      form.elements.client_id.value = newId();
      form.elements.answered_at.value = String(Date.now());
      var url = form.getAttribute('action');
      var body = new URLSearchParams(new FormData(form)).toString();
      var button = form.querySelector('button[type=submit]');
      if (button) { button.disabled = true; }
      fetch(url, { method: 'POST', credentials: 'same-origin', body: body,
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' } })
        .then(function (r) { return r.text(); })
        .then(function (html) {
          var doc = new DOMParser().parseFromString(html, 'text/html');
          document.title = doc.title;
          document.body.replaceWith(doc.body);
          window.scrollTo(0, 0);
        })
        .catch(function () {
          var q = queue();
          q.push({ id: form.elements.client_id.value, url: url, body: body });
          setQueue(q);
          if (button) { button.disabled = false; }
          say('Bạn đang không có mạng. Bài làm đã được lưu trên máy và sẽ tự gửi khi có mạng trở lại.');
        });
    });
  }

  // "Lưu cả khóa": the service worker fetches every page of the course.
  var save = $('luu-ngoai-tuyen');
  if (save && hasSW) {
    save.hidden = false;
    var state = $('luu-trang-thai');
    navigator.serviceWorker.addEventListener('message', function (e) {
      if (!e.data || !state) { return; }
      if (e.data.type === 'da-luu') { state.textContent = 'Đã lưu ' + e.data.count + ' trang: khóa học đọc được cả khi không có mạng.'; }
      if (e.data.type === 'loi-luu') { state.textContent = 'Chưa lưu được (mạng yếu?). Hãy thử lại.'; }
    });
    save.addEventListener('click', function () {
      if (state) { state.textContent = 'Đang lưu…'; }
      navigator.serviceWorker.ready.then(function (reg) {
        reg.active.postMessage({ type: 'luu-khoa-hoc', course: save.getAttribute('data-course'),
          urls: save.getAttribute('data-urls').split(' ') });
      });
    });
  }

  // Read the lesson aloud when the phone has a Vietnamese voice.
  var read = $('doc-to');
  var article = $('bai-hoc');
  if (read && article && window.speechSynthesis) {
    var voice = null;
    var pick = function () {
      voice = speechSynthesis.getVoices().filter(function (v) { return /^vi/i.test(v.lang); })[0] || null;
      read.hidden = !voice;
    };
    pick();
    speechSynthesis.addEventListener('voiceschanged', pick);
    read.addEventListener('click', function () {
      if (speechSynthesis.speaking) { speechSynthesis.cancel(); return; }
      var u = new SpeechSynthesisUtterance(article.innerText);
      u.lang = 'vi-VN'; u.voice = voice; u.rate = 0.9;
      speechSynthesis.speak(u);
    });
  }
})();
