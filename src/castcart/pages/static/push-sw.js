// castcart's Web Push service worker: shows a show reminder (payload from
// castcart.audience.compose.push_payload) and opens the show when it is clicked.
self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch {
    data = { title: event.data ? event.data.text() : "castcart" };
  }
  event.waitUntil(
    self.registration.showNotification(data.title || "castcart", {
      body: data.body || "",
      tag: data.tag,
      lang: data.lang,
      dir: data.dir || "auto",
      data: { url: data.url },
    }),
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = event.notification.data && event.notification.data.url;
  if (url) event.waitUntil(self.clients.openWindow(url));
});
