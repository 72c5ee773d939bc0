// hocvuso field app (issue 14): the hamlet's list kept on the phone, home
// visits recorded with no network, and sent when the network returns.
//
// IndexedDB "hocvuso-thuc-dia" holds three stores:
//   danh-sach  the hamlet's households and people (key: hamlet id), as
//              GET /api/thuc-dia/xom gave it, with milestones ticked offline
//   cho-gui    records waiting to be sent (key: the id made here)
//   tu-choi    records the commune refused, with the reason
// A record leaves "cho-gui" only when the server has answered for it, so
// closing the browser, restarting the phone or a cut connection loses
// nothing, and the server writes each id once, so sending twice doubles
// nothing. Order comes from the server, never from this phone's clock.
'use strict';
(function () {
  var root = document.getElementById('thuc-dia');
  if (!root) { return; }
  var HAMLET = Number(root.getAttribute('data-xom'));
  var BATCH = 200;
  var db = null;
  var pack = null;
  var waiting = 0;
  var sending = false;

  if ('serviceWorker' in navigator) { navigator.serviceWorker.register('/sw.js').catch(function () {}); }
  if (navigator.storage && navigator.storage.persist) { navigator.storage.persist().catch(function () {}); }

  function $(id) { return document.getElementById(id); }
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) { e.textContent = text; }
    if (cls) { e.className = cls; }
    return e;
  }
  // Vietnamese without diacritics, lower case: "Hoàng Thị Lan" ~ "hoang thi lan".
  function fold(s) {
    return String(s || '').normalize('NFD').replace(/[\u0300-\u036f]/g, '')
      .replace(/đ/g, 'd').replace(/Đ/g, 'd').toLowerCase();
  }
  function newId() {
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    var h = Array.prototype.map.call(b, function (x) { return ('0' + x.toString(16)).slice(-2); }).join('');
    return h.slice(0, 8) + '-' + h.slice(8, 12) + '-' + h.slice(12, 16) + '-' + h.slice(16, 20) + '-' + h.slice(20);
  }
  function today() {
    var d = new Date();
    return d.getFullYear() + '-' + ('0' + (d.getMonth() + 1)).slice(-2) + '-' + ('0' + d.getDate()).slice(-2);
  }
  function say(msg) { var p = $('thong-bao'); p.textContent = msg; p.hidden = !msg; }

  var MILESTONES = Array.prototype.map.call($('moc-chon').options, function (o) {
    return { code: o.value, label: o.textContent };
  });

  // --- IndexedDB ---
  function open() {
    return new Promise(function (resolve, reject) {
      var req = indexedDB.open('hocvuso-thuc-dia', 1);
      req.onupgradeneeded = function () {
        var d = req.result;
        d.createObjectStore('danh-sach');
        d.createObjectStore('cho-gui', { keyPath: 'id' });
        d.createObjectStore('tu-choi', { keyPath: 'id' });
      };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }
  function tx(store, mode, fn) {
    return new Promise(function (resolve, reject) {
      var t = db.transaction(store, mode);
      var out;
      t.oncomplete = function () { resolve(out); };
      t.onerror = function () { reject(t.error); };
      t.onabort = function () { reject(t.error); };
      out = fn(t.objectStore(store));
    });
  }
  function all(store) {
    return new Promise(function (resolve, reject) {
      var req = db.transaction(store).objectStore(store).getAll();
      req.onsuccess = function () { resolve(req.result || []); };
      req.onerror = function () { reject(req.error); };
    });
  }
  function get(store, key) {
    return new Promise(function (resolve, reject) {
      var req = db.transaction(store).objectStore(store).get(key);
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }

  // --- what waits ---
  function showWaiting() {
    return all('cho-gui').then(function (q) {
      waiting = q.length;
      $('cho-gui').textContent = waiting ? ('Đang chờ gửi: ' + waiting + ' bản ghi') : 'Không có bản ghi nào chờ gửi';
      $('cho-gui').setAttribute('data-cho', String(waiting));
      document.title = (waiting ? '(' + waiting + ') ' : '') + 'Đi thực địa · hocvuso';
      $('mang').textContent = navigator.onLine ? '· Có mạng' : '· Không có mạng: bản ghi được giữ trên máy';
      return all('tu-choi');
    }).then(function (refused) {
      var ul = $('bi-tu-choi');
      ul.textContent = '';
      refused.forEach(function (r) {
        var what = r.rec.kind === 'diem_danh' ? 'Điểm danh buổi học ' + r.rec.session_id : (r.ho || ('Hộ ' + r.rec.household_id)) + ', ngày ' + r.rec.visited_on;
        var li = el('li', what + ': ' + r.message);
        var drop = el('button', 'Bỏ bản ghi này', 'small link');
        drop.type = 'button';
        drop.addEventListener('click', function () {
          tx('tu-choi', 'readwrite', function (s) { s.delete(r.id); }).then(showWaiting);
        });
        li.appendChild(document.createTextNode(' '));
        li.appendChild(drop);
        ul.appendChild(li);
      });
      $('bi-tu-choi-khung').hidden = refused.length === 0;
    });
  }

  // --- the hamlet's list ---
  function loadPack() {
    return get('danh-sach', HAMLET).then(function (kept) {
      if (kept) { pack = kept; render(); }
      if (!navigator.onLine && kept) { return; }
      return fetch('/api/thuc-dia/xom?xom=' + HAMLET, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
        .then(function (res) {
          if (res.redirected || !res.ok || (res.headers.get('Content-Type') || '').indexOf('json') < 0) {
            throw new Error(res.redirected ? 'dang-nhap' : String(res.status));
          }
          return res.json();
        })
        .then(function (fresh) {
          fresh.saved_at = new Date().toISOString();
          fresh.ticks = (pack && pack.ticks) || {};
          // Milestones ticked here and not yet sent stay ticked.
          return all('cho-gui').then(function (q) {
            q.forEach(function (r) { applyMarks(fresh, r); });
            pack = fresh;
            render();
            return tx('danh-sach', 'readwrite', function (s) { s.put(fresh, HAMLET); });
          });
        })
        .catch(function (e) {
          if (!kept) { say(e.message === 'dang-nhap' ? 'Cần đăng nhập lại để tải danh sách xóm.' : 'Chưa tải được danh sách xóm (mạng yếu?). Hãy thử lại khi có mạng.'); }
        });
    });
  }

  function people() {
    var out = [];
    (pack ? pack.households : []).forEach(function (h) {
      h.people.forEach(function (p) { out.push({ p: p, h: h }); });
    });
    return out;
  }

  function applyMarks(target, rec) {
    target.households.forEach(function (h) {
      if (h.id !== rec.household_id) { return; }
      h.people.forEach(function (p) {
        rec.milestones.forEach(function (m) {
          if (m.resident_id === p.id && p.reached.indexOf(m.milestone) < 0) { p.reached.push(m.milestone); }
        });
      });
    });
  }

  function render() {
    if (!pack) { return; }
    $('danh-sach-luc').textContent = pack.hamlet + ': ' + pack.households.length + ' hộ, ' + people().length +
      ' người. Danh sách trên máy lưu lúc ' + new Date(pack.saved_at).toLocaleString('vi-VN') + '.';
    renderHouseholds();
    renderWorklist();
    renderArrived();
    renderSessions();
  }

  // --- a class's attendance ---
  function renderSessions() {
    var sel = $('buoi-hoc');
    var keep = sel.value;
    sel.textContent = '';
    var sessions = pack.sessions || [];
    sessions.forEach(function (s) {
      var o = el('option', s.starts_at.slice(11) + ' ' + s.starts_at.slice(8, 10) + '/' + s.starts_at.slice(5, 7) + ': ' + s.topic + ' (' + s.place + ')');
      o.value = String(s.id);
      sel.appendChild(o);
    });
    if (!sessions.length) { sel.appendChild(el('option', 'Xóm chưa có buổi học nào: thêm ở trang Lớp học')); }
    if (keep) { sel.value = keep; }
    sel.disabled = !sessions.length;
    renderTicks();
  }

  function ticked(sessionId) {
    pack.ticks = pack.ticks || {};
    return pack.ticks[sessionId] || [];
  }

  function renderTicks() {
    var ul = $('ds-diem-danh');
    ul.textContent = '';
    var sid = $('buoi-hoc').value;
    if (!sid || !(pack.sessions || []).length) { return; }
    var q = fold($('tim-nguoi').value).trim();
    var done = ticked(sid);
    var rows = people().filter(function (x) { return !q || fold(x.p.name).indexOf(q) >= 0; });
    rows.slice(0, 20).forEach(function (x) {
      var li = el('li', x.p.name + (x.p.birth_year ? ' (' + x.p.birth_year + ')' : '') + ', hộ ' + x.h.head + ' ');
      if (done.indexOf(x.p.id) >= 0) {
        li.appendChild(el('strong', '✓ có mặt'));
      } else {
        var b = el('button', 'Có mặt', 'small');
        b.type = 'button';
        b.setAttribute('data-co-mat', String(x.p.id));
        b.addEventListener('click', function () { tick(Number(sid), x.p.id); });
        li.appendChild(b);
      }
      ul.appendChild(li);
    });
    if (rows.length > 20) { ul.appendChild(el('li', 'Còn ' + (rows.length - 20) + ' người: gõ tên để tìm.', 'muted')); }
  }

  function tick(sessionId, residentId, how) {
    var rec = { kind: 'diem_danh', id: newId(), session_id: sessionId, resident_id: residentId, how: how || $('cach-diem-danh').value, milestones: [] };
    tx('cho-gui', 'readwrite', function (s) { s.put(rec); })
      .then(function () {
        pack.ticks = pack.ticks || {};
        (pack.ticks[sessionId] = pack.ticks[sessionId] || []).push(residentId);
        return tx('danh-sach', 'readwrite', function (s) { s.put(pack, HAMLET); });
      })
      .then(function () { renderTicks(); return showWaiting(); })
      .then(sync)
      .catch(function () { say('Chưa lưu được trên máy: bộ nhớ đầy? Hãy thử lại.'); });
  }

  function renderArrived() {
    var ul = $('da-ve');
    ul.textContent = '';
    var heads = {};
    pack.households.forEach(function (h) { heads[h.id] = h.head; });
    (pack.visits || []).forEach(function (v) {
      var d = v.visited_on.split('-');
      ul.appendChild(el('li', d[2] + '/' + d[1] + '/' + d[0] + ': hộ ' + (heads[v.household_id] || v.household_id) +
        ', ' + v.people + ' người' + (v.by ? ' · ' + v.by : ''), null));
    });
    if (!(pack.visits || []).length) { ul.appendChild(el('li', 'Chưa có lần thăm nào.')); }
    $('da-ve').setAttribute('data-so', String((pack.visits || []).length));
  }

  function renderHouseholds() {
    var q = fold($('tim').value).trim();
    var ul = $('ds-ho');
    ul.textContent = '';
    var shown = 0;
    pack.households.forEach(function (h) {
      if (q && fold(h.head).indexOf(q) < 0 && !h.people.some(function (p) { return fold(p.name).indexOf(q) >= 0; })) { return; }
      if (shown >= 30) { return; }
      shown += 1;
      var li = el('li');
      var b = el('button', 'Hộ ' + h.head + ' (' + h.people.length + ' người)', 'link');
      b.type = 'button';
      b.setAttribute('data-ho', String(h.id));
      b.addEventListener('click', function () { openVisit(h); });
      li.appendChild(b);
      ul.appendChild(li);
    });
    if (!shown) { ul.appendChild(el('li', 'Không thấy hộ nào khớp.')); }
    var more = pack.households.length - shown;
    if (!q && more > 0) { ul.appendChild(el('li', 'Và ' + more + ' hộ nữa: gõ tên chủ hộ hoặc tên người để tìm.', 'muted')); }
  }

  function renderWorklist() {
    var code = $('moc-chon').value;
    var rows = people().filter(function (x) { return x.p.reached.indexOf(code) < 0; });
    rows.sort(function (a, b) { return (b.p.priority ? 1 : 0) - (a.p.priority ? 1 : 0); });
    $('chua-dat-dem').textContent = rows.length + ' người chưa đạt mốc này (người cao tuổi, đồng bào dân tộc thiểu số lên trước).';
    var ol = $('chua-dat');
    ol.textContent = '';
    rows.slice(0, 50).forEach(function (x) {
      var text = x.p.name + (x.p.birth_year ? ' (' + x.p.birth_year + ')' : '') + ', hộ ' + x.h.head + (x.p.priority ? ' · ưu tiên' : '');
      ol.appendChild(el('li', text));
    });
    if (rows.length > 50) { ol.appendChild(el('li', 'Và ' + (rows.length - 50) + ' người nữa: xem đủ trong bản in (PDF).', 'muted')); }
  }

  // --- a visit: one screen ---
  var current = null;
  function openVisit(h) {
    current = h;
    $('ho-dang-tham').textContent = 'Hộ ' + h.head + (h.address ? ', ' + h.address : '');
    $('ngay-tham').value = today();
    $('ghi-chu').value = '';
    var box = $('nguoi-tham');
    box.textContent = '';
    h.people.forEach(function (p) {
      var div = el('div', null, 'nguoi');
      var lab = el('label');
      var cb = el('input');
      cb.type = 'checkbox';
      cb.checked = true;
      cb.setAttribute('data-nguoi', String(p.id));
      lab.appendChild(cb);
      lab.appendChild(document.createTextNode(' ' + p.name + (p.birth_year ? ' (' + p.birth_year + ')' : '')));
      div.appendChild(lab);
      var marks = el('div', null, 'moc');
      MILESTONES.forEach(function (m) {
        var reached = p.reached.indexOf(m.code) >= 0;
        var ml = el('label', null, 'chip');
        var mc = el('input');
        mc.type = 'checkbox';
        mc.setAttribute('data-nguoi', String(p.id));
        mc.setAttribute('data-moc', m.code);
        if (reached) { mc.checked = true; mc.disabled = true; }
        ml.appendChild(mc);
        ml.appendChild(document.createTextNode(' ' + m.label + (reached ? ' (đã đạt)' : '')));
        marks.appendChild(ml);
      });
      div.appendChild(marks);
      box.appendChild(div);
    });
    $('ghi-tham').hidden = false;
    $('ghi-tham').scrollIntoView();
    $('ngay-tham').focus();
  }

  // Where the phone is, only where the commune records places (the list
  // says so) and the person holding the phone allows it; otherwise, or
  // after 8 s without a fix, the visit is saved without it.
  function place() {
    if (!pack || !pack.record_location || !navigator.geolocation) { return Promise.resolve(null); }
    return new Promise(function (resolve) {
      navigator.geolocation.getCurrentPosition(function (p) {
        resolve({ lat: Math.round(p.coords.latitude * 1e4) / 1e4, lon: Math.round(p.coords.longitude * 1e4) / 1e4 });
      }, function () { resolve(null); }, { enableHighAccuracy: false, timeout: 8000, maximumAge: 120000 });
    });
  }

  function saveVisit() {
    if (!current) { return; }
    var h = current;
    var day = $('ngay-tham').value;
    if (!day) { say('Chọn ngày thăm.'); return; }
    var guided = [];
    var marks = [];
    Array.prototype.forEach.call($('nguoi-tham').querySelectorAll('input[data-nguoi]'), function (cb) {
      var id = Number(cb.getAttribute('data-nguoi'));
      var code = cb.getAttribute('data-moc');
      if (!cb.checked || cb.disabled) { return; }
      if (code) { marks.push({ resident_id: id, milestone: code }); } else { guided.push(id); }
    });
    var rec = { kind: 'tham', id: newId(), household_id: h.id, visited_on: day, people: guided, milestones: marks, note: $('ghi-chu').value.trim() };
    place()
      .then(function (where) {
        if (where) { rec.location = where; }
        return tx('cho-gui', 'readwrite', function (s) { s.put(rec); });
      })
      .then(function () {
        applyMarks(pack, rec);
        return tx('danh-sach', 'readwrite', function (s) { s.put(pack, HAMLET); });
      })
      .then(function () {
        current = null;
        $('ghi-tham').hidden = true;
        say('Đã lưu lần thăm hộ ' + h.head + ' trên máy.');
        render();
        return showWaiting();
      })
      .then(sync)
      .catch(function () { say('Chưa lưu được trên máy: bộ nhớ đầy? Hãy thử lại.'); });
  }

  // --- sending ---
  function sync() {
    if (sending || !navigator.onLine) { return Promise.resolve(); }
    sending = true;
    return all('cho-gui').then(function (q) {
      if (!q.length) { return; }
      var batch = q.slice(0, BATCH);
      return fetch('/api/thuc-dia/dong-bo', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ records: batch })
      }).then(function (res) {
        if (res.redirected || res.status === 401 || res.status === 403) {
          throw new Error('Cần đăng nhập lại để gửi: các bản ghi vẫn được giữ trên máy.');
        }
        if (!res.ok) { throw new Error('Máy chủ chưa nhận (mã ' + res.status + '): các bản ghi vẫn được giữ, sẽ gửi lại.'); }
        return res.json();
      }).then(function (reply) {
        var byId = {};
        batch.forEach(function (r) { byId[r.id] = r; });
        return tx('cho-gui', 'readwrite', function (s) {
          reply.results.forEach(function (o) { if (byId[o.id]) { s.delete(o.id); } });
        }).then(function () {
          return tx('tu-choi', 'readwrite', function (s) {
            reply.results.forEach(function (o) {
              if (o.status === 'bi_tu_choi' && byId[o.id]) {
                var h = pack && pack.households.filter(function (x) { return x.id === byId[o.id].household_id; })[0];
                s.put({ id: o.id, rec: byId[o.id], message: o.message || '', ho: h ? 'Hộ ' + h.head : '' });
              }
            });
          });
        }).then(function () {
          say('Đã gửi: ' + reply.saved + ' mới, ' + reply.duplicates + ' đã có' +
            (reply.conflicts ? ', ' + reply.conflicts + ' khác bản trước' : '') +
            (reply.rejected ? ', ' + reply.rejected + ' không được nhận (xem bên dưới)' : '') + '.');
          if (q.length > BATCH) { sending = false; return sync(); }
          if (reply.saved) { return loadPack(); }
        });
      });
    }).catch(function (e) { say(e.message || 'Chưa gửi được: sẽ thử lại khi có mạng.'); })
      .then(function () { sending = false; return showWaiting(); });
  }

  // --- wiring ---
  $('tim').addEventListener('input', function () { if (pack) { renderHouseholds(); } });
  $('moc-chon').addEventListener('change', function () { if (pack) { renderWorklist(); } });
  $('buoi-hoc').addEventListener('change', function () { if (pack) { renderTicks(); } });
  $('tim-nguoi').addEventListener('input', function () { if (pack) { renderTicks(); } });
  $('luu-tham').addEventListener('click', saveVisit);
  $('huy-tham').addEventListener('click', function () { current = null; $('ghi-tham').hidden = true; });
  $('gui-ngay').addEventListener('click', function () { if (!navigator.onLine) { say('Chưa có mạng: bản ghi vẫn được giữ trên máy.'); } sync(); });
  function worklistLink() {
    $('in-ds').href = '/thuc-dia/chua-dat.pdf?xom=' + HAMLET + '&moc=' + encodeURIComponent($('moc-chon').value);
  }
  $('moc-chon').addEventListener('change', worklistLink);
  worklistLink();
  // A learner card: "HV-<id>" typed or scanned ticks that person present.
  function byCard(text) {
    var m = /HV-(\d+)/i.exec(String(text || '').trim());
    var sid = $('buoi-hoc').value;
    if (!m || !pack || !sid || !(pack.sessions || []).length) { say('Mã thẻ không đúng (dạng HV-123), hoặc chưa chọn buổi học.'); return; }
    var id = Number(m[1]);
    var who = people().filter(function (x) { return x.p.id === id; })[0];
    if (!who) { say('Thẻ ' + m[0] + ' không phải của người trong xóm này.'); return; }
    if (ticked(sid).indexOf(id) >= 0) { say(who.p.name + ' đã được điểm danh.'); return; }
    tick(Number(sid), id, 'the');
    say('Đã điểm danh ' + who.p.name + ' theo thẻ.');
    $('ma-the').value = '';
  }
  $('diem-danh-the').addEventListener('click', function () { byCard($('ma-the').value); });
  $('ma-the').addEventListener('keydown', function (e) { if (e.key === 'Enter') { e.preventDefault(); byCard($('ma-the').value); } });
  // Scanning needs the browser's barcode reader (Chrome on Android has it).
  if ('BarcodeDetector' in window && navigator.mediaDevices && navigator.mediaDevices.getUserMedia) {
    $('quet-the').hidden = false;
    $('quet-the').addEventListener('click', function () {
      var video = $('camera');
      var detector = new window.BarcodeDetector({ formats: ['qr_code'] });
      navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } }).then(function (stream) {
        video.srcObject = stream;
        video.hidden = false;
        return video.play().then(function () {
          var stop = function () { stream.getTracks().forEach(function (t) { t.stop(); }); video.hidden = true; };
          var look = function () {
            detector.detect(video).then(function (codes) {
              if (codes.length) { stop(); byCard(codes[0].rawValue); } else { setTimeout(look, 300); }
            }).catch(function () { stop(); say('Không đọc được mã: hãy gõ mã trên thẻ.'); });
          };
          look();
        });
      }).catch(function () { say('Không mở được máy ảnh: hãy gõ mã trên thẻ.'); });
    });
  }
  window.addEventListener('online', function () { showWaiting(); sync(); loadPack(); });
  window.addEventListener('offline', showWaiting);
  // Logging out with records waiting: the records stay on this phone, but
  // say so before the session (needed to send them) ends.
  Array.prototype.forEach.call(document.querySelectorAll('form[action="/dang-xuat"]'), function (f) {
    f.addEventListener('submit', function (e) {
      if (waiting > 0 && !window.confirm('Còn ' + waiting + ' bản ghi chưa gửi. Chúng vẫn được giữ trên máy này và sẽ gửi khi bạn đăng nhập lại. Vẫn đăng xuất?')) {
        e.preventDefault();
      }
    });
  });
  window.addEventListener('beforeunload', function (e) {
    if (current) { e.preventDefault(); e.returnValue = ''; }
  });

  open().then(function (d) {
    db = d;
    return showWaiting();
  }).then(loadPack).then(sync).catch(function () {
    say('Trình duyệt này không lưu được dữ liệu trên máy (chế độ ẩn danh?): không dùng được khi mất mạng.');
  });
})();
