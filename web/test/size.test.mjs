// node --test web/test/ (run by tests/pages/test_widget_height.py)
import assert from "node:assert/strict";
import { test } from "node:test";

import { frameHeight } from "../src/lib/size.js";

test("a bare number is pixels", () => {
  assert.equal(frameHeight("900"), "900px");
  assert.equal(frameHeight(" 640 "), "640px");
  assert.equal(frameHeight("720.5"), "720.5px");
});

test("lengths with a unit are used as written", () => {
  assert.equal(frameHeight("900px"), "900px");
  assert.equal(frameHeight("80vh"), "80vh");
  assert.equal(frameHeight("100%"), "100%");
  assert.equal(frameHeight("40REM"), "40rem");
});

test("pixels are kept within what can show a show", () => {
  assert.equal(frameHeight("50"), "200px");
  assert.equal(frameHeight("99999"), "10000px");
});

test("anything else lets the frame size itself", () => {
  for (const bad of [null, undefined, "", "auto", "0", "-5", "tall", "900 px", "calc(100vh)", "1e3", "9px;color:red", "900pt"]) {
    assert.equal(frameHeight(bad), null, String(bad));
  }
});
