// The shoppable replay: chapter markers on a seek bar under the video (pins, flash sales,
// polls, giveaways at their place in the recording), the chapter list seeking the video,
// and the product card following the playhead (the product track from the show's pins).

import { $, $$, show } from "./ui.js";

/** The product on screen at `time` (the last pin/flash sale/unpin before it). */
export function productAt(track, time) {
  let current = null;
  for (const [offset, productId] of track) {
    if (offset <= time + 0.05) current = productId;
    else break;
  }
  return current;
}

export function followReplay(video, replay, setPinned) {
  const bar = $("#cc-seekbar");
  const buttons = $$("#cc-chapters .chapter");
  const nowShowing = $("#cc-now-showing");
  const nowTitle = $("#cc-now-title");
  const titles = new Map(replay.chapters.filter((c) => c.product_id).map((c) => [c.product_id, c.label]));
  const track = [...replay.product_track].sort((a, b) => a[0] - b[0]);

  const seek = (offset) => {
    video.currentTime = offset;
    update(offset);
    const attempt = video.play();
    if (attempt && attempt.catch) attempt.catch(() => {});
  };

  // markers on the seek bar, placed by their share of the recording
  const duration = () => (Number.isFinite(video.duration) && video.duration > 0 ? video.duration : replay.duration);
  const markers = replay.chapters.map((chapter, index) => {
    const marker = document.createElement("button");
    marker.type = "button";
    marker.className = `marker marker-${chapter.kind}`;
    marker.title = replay.chapter_texts[index] || chapter.label;
    marker.setAttribute("aria-label", marker.title);
    marker.dataset.offset = String(chapter.offset);
    marker.addEventListener("click", () => seek(chapter.offset));
    return marker;
  });
  const playhead = document.createElement("span");
  playhead.className = "playhead";
  if (bar) {
    bar.replaceChildren(...markers, playhead);
    bar.addEventListener("click", (event) => {
      if (event.target !== bar) return;
      const box = bar.getBoundingClientRect();
      const share = (event.clientX - box.left) / box.width;
      const ltr = getComputedStyle(bar).direction !== "rtl";
      seek(Math.max(0, (ltr ? share : 1 - share) * duration()));
    });
  }
  const place = () => {
    const total = duration();
    if (!bar || !total) return;
    for (const marker of markers) {
      marker.style.insetInlineStart = `${Math.min(100, (Number(marker.dataset.offset) / total) * 100)}%`;
    }
    playhead.style.insetInlineStart = `${Math.min(100, (video.currentTime / total) * 100)}%`;
    show(bar, true);
  };

  let shown;
  function update(time) {
    const productId = productAt(track, time);
    if (productId !== shown) {
      shown = productId;
      setPinned(productId);
      nowTitle.textContent = productId ? titles.get(productId) || "" : "";
      show(nowShowing, Boolean(productId));
      document.body.dataset.replayProduct = productId || "";
    }
    let active = -1;
    replay.chapters.forEach((c, i) => {
      if (c.offset <= time + 0.05) active = i;
    });
    buttons.forEach((b, i) => b.classList.toggle("is-current", i === active));
    place();
  }

  buttons.forEach((button) => button.addEventListener("click", () => seek(Number(button.dataset.offset))));
  video.addEventListener("timeupdate", () => update(video.currentTime));
  video.addEventListener("seeked", () => update(video.currentTime));
  video.addEventListener("loadedmetadata", place);
  update(0);
}
