"""The key selector never offers one profile's key for another while the new list is read."""

from __future__ import annotations

from typing import Any

from cfstream_gui.ui.form.engine_picker import EnginePicker

OLD = "a" * 32
NEW = "b" * 32


def test_no_key_is_chosen_while_a_profiles_keys_are_being_read(qtbot: Any) -> None:
    picker = EnginePicker()
    qtbot.addWidget(picker)
    picker.set_keys([OLD], default_key_id=None)
    assert picker.key_id() == OLD

    picker.set_reading()  # the profile changed; its keys are on their way from the keyring
    assert picker.key_id() is None  # the old profile's key must not sign for the new one

    picker.set_keys([NEW], default_key_id=None)
    assert picker.key_id() == NEW


def test_a_refresh_of_the_same_list_keeps_the_users_choice(qtbot: Any) -> None:
    picker = EnginePicker()
    qtbot.addWidget(picker)
    picker.set_keys([OLD, NEW], default_key_id=None)
    picker.want_key(OLD)
    picker.set_reading()
    picker.set_keys([OLD, NEW], default_key_id=None)
    assert picker.key_id() == OLD
