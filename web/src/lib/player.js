// HLS playback: hls.js where Media Source Extensions exist, the browser's own HLS
// (Safari, iOS) otherwise. hls.js is loaded on demand so pages without video stay light.

export async function play(video, url, { onFatal } = {}) {
  const { default: Hls } = await import("hls.js/light");
  if (Hls.isSupported()) {
    const hls = new Hls({ enableWorker: false, lowLatencyMode: true, backBufferLength: 30 });
    hls.on(Hls.Events.ERROR, (_event, data) => {
      if (!data.fatal) return;
      if (data.type === Hls.ErrorTypes.MEDIA_ERROR) {
        hls.recoverMediaError();
        return;
      }
      hls.destroy();
      onFatal?.(data);
    });
    hls.loadSource(url);
    hls.attachMedia(video);
    hls.on(Hls.Events.MANIFEST_PARSED, () => startPlaying(video));
    return () => hls.destroy();
  }
  if (video.canPlayType("application/vnd.apple.mpegurl")) {
    video.src = url;
    video.addEventListener("loadedmetadata", () => startPlaying(video), { once: true });
    video.addEventListener("error", () => onFatal?.(video.error), { once: true });
    return () => video.removeAttribute("src");
  }
  onFatal?.(new Error("HLS is not supported by this browser"));
  return () => {};
}

function startPlaying(video) {
  // Autoplay is allowed while muted; the viewer unmutes with the controls.
  video.muted = true;
  const attempt = video.play();
  if (attempt && attempt.catch) attempt.catch(() => {});
}
