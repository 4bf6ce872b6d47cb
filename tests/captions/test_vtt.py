from __future__ import annotations

from pathlib import Path

import pytest

from castcart.captions.vtt import CaptionFiles, cue_text, vtt_time


def test_vtt_time_and_cue_escaping() -> None:
    assert vtt_time(0) == "00:00:00.000"
    assert vtt_time(3725.5) == "01:02:05.500"
    assert cue_text("a <b> & c -->\n\nd") == "a &lt;b&gt; &amp; c -&gt; d"


def test_cues_per_language_never_go_backwards(tmp_path: Path) -> None:
    files = CaptionFiles(tmp_path, "show1", ["en", "es-MX"])
    files.add("s-0", 1.0, 2.5, {"en": "Hello.", "es": "Hola.", "fr": "Bonjour."})
    files.add("s-1", 2.0, 2.1, {"en": "Again", "es": ""})
    en = (tmp_path / "shows/show1/captions/en.vtt").read_text()
    assert en == (
        "WEBVTT\n\n"
        "s-0\n00:00:01.000 --> 00:00:02.500\nHello.\n\n"
        "s-1\n00:00:02.500 --> 00:00:03.000\nAgain\n\n"
    )
    assert files.cue_count("es") == 1
    assert not (tmp_path / "shows/show1/captions/fr.vtt").exists()
    [en_list, es_list] = files.write_playlists()
    assert en_list.name == "en.m3u8"
    assert "#EXT-X-ENDLIST" in es_list.read_text()
    assert "es.vtt" in es_list.read_text()


def test_show_id_must_be_safe_for_a_path(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="alphanumeric"):
        CaptionFiles(tmp_path, "../etc", ["en"])
