// On every page a team member opens (issue 14): how many records of the
// field app wait on this phone, and a warning before logging out while
// some do. The field app's own page (/thuc-dia) does this itself.
// The database is only read when it already exists: opening it here must
// never create it, or the field app could not set it up.
(function () {
  'use strict';
  if (document.getElementById('cho-gui') || !window.indexedDB || !indexedDB.databases) { return; }
  var waiting = 0;
  indexedDB.databases().then(function (list) {
    if (!list.some(function (d) { return d.name === 'hocvuso-thuc-dia'; })) { return; }
    var req = indexedDB.open('hocvuso-thuc-dia');
    req.onsuccess = function () {
      var db = req.result;
      if (!db.objectStoreNames.contains('cho-gui')) { db.close(); return; }
      var count = db.transaction('cho-gui').objectStore('cho-gui').count();
      count.onsuccess = function () {
        waiting = count.result;
        db.close();
        var link = document.getElementById('cho-gui-chung');
        if (link && waiting > 0) {
          link.textContent = 'Đang chờ gửi: ' + waiting + ' bản ghi của Đi thực địa';
          link.setAttribute('data-cho', String(waiting));
          link.hidden = false;
        }
      };
    };
  }).catch(function () {});
  Array.prototype.forEach.call(document.querySelectorAll('form[action="/dang-xuat"]'), function (f) {
    f.addEventListener('submit', function (e) {
      if (waiting > 0 && !window.confirm('Còn ' + waiting + ' bản ghi của Đi thực địa chưa gửi. Chúng vẫn được giữ trên máy này và sẽ gửi khi bạn đăng nhập lại. Vẫn đăng xuất?')) {
        e.preventDefault();
      }
    });
  });
})();
