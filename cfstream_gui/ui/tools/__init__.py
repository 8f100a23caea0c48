"""The Tools menu's helpers around a token: simulate a viewer, check playback, copy as code."""
