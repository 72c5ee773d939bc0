// The public pages (schedule, who to ask, campaigns): keep them readable
// without a network once visited (the service worker caches them).
'use strict';
if ('serviceWorker' in navigator) { navigator.serviceWorker.register('/sw.js').catch(function () {}); }
