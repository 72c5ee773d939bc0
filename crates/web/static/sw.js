// hocvuso service worker: lessons readable without a network, the field
// app (/thuc-dia) openable without one, and the public pages for residents
// (the schedule, who to ask, the campaigns, the assistant's page) readable
// once visited. A page marked no-store (anyone logged in) is never kept.
// Pages under /hoc and the static files are fetched from the network first
// and kept in a cache; when the network fails, the cached copy is served.
// "Lưu cả khóa" asks this worker to fetch a whole course into the cache.
'use strict';
var CACHE = 'hocvuso-hoc-v1';

self.addEventListener('install', function () { self.skipWaiting(); });
self.addEventListener('activate', function (e) { e.waitUntil(self.clients.claim()); });

function keep(request, response) {
  var cc = response.headers.get('Cache-Control') || '';
  if (response.ok && !response.redirected && response.type === 'basic' && cc.indexOf('no-store') < 0) {
    var copy = response.clone();
    caches.open(CACHE).then(function (c) { return c.put(request, copy); });
  }
  return response;
}

function offlinePage() {
  var html = '<!doctype html><html lang="vi"><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    '<title>Không có mạng</title><body style="font:18px/1.5 sans-serif;padding:1rem">' +
    '<h1>Không có mạng</h1><p>Trang này chưa được lưu để đọc khi mất mạng. ' +
    'Khi có mạng, hãy mở khóa học và bấm «Lưu cả khóa để đọc khi không có mạng».</p>' +
    '<p><a href="/hoc">Về danh sách khóa học</a></p></body></html>';
  return new Response(html, { status: 503, headers: { 'Content-Type': 'text/html; charset=utf-8' } });
}

self.addEventListener('fetch', function (e) {
  var req = e.request;
  if (req.method !== 'GET') { return; }
  var url = new URL(req.url);
  if (url.origin !== self.location.origin) { return; }
  // The field app's page (a shell: the hamlet's list is in IndexedDB) too.
  var p = url.pathname;
  if (!(p === '/hoc' || p.indexOf('/hoc/') === 0 || p.indexOf('/static/') === 0 || p === '/thuc-dia' ||
        p === '/lich-hoc' || p === '/hoi-ai' || p === '/tro-ly' || p.indexOf('/chien-dich/') === 0)) { return; }
  if (url.pathname.indexOf('/chung-chi') > 0) { return; }
  e.respondWith(
    fetch(req).then(function (res) { return keep(req, res); }).catch(function () {
      return caches.match(req, { ignoreVary: true }).then(function (hit) {
        return hit || (req.mode === 'navigate' ? offlinePage() : Response.error());
      });
    })
  );
});

self.addEventListener('message', function (e) {
  var d = e.data || {};
  if (d.type !== 'luu-khoa-hoc' || !Array.isArray(d.urls)) { return; }
  e.waitUntil(caches.open(CACHE).then(function (c) {
    return Promise.all(d.urls.map(function (u) {
      return fetch(u, { credentials: 'same-origin' }).then(function (res) {
        if (res.ok && !res.redirected) { return c.put(u, res); }
        throw new Error(u);
      });
    }));
  }).then(function () {
    if (e.source) { e.source.postMessage({ type: 'da-luu', course: d.course, count: d.urls.length }); }
  }, function () {
    if (e.source) { e.source.postMessage({ type: 'loi-luu', course: d.course }); }
  }));
});
