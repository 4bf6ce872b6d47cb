"""Live captions: audio tap, speech gate, streaming ASR, caption events and WebVTT."""
