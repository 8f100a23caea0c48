"""The account's videos in the window: the browser dialog, its table model and thumbnails, and
the quiet check that warns when the video in the form is public."""
