"""A keymap never puts an action that works over a form on a key that types text (issue 20,
found by the review: `app.quit = "a"` quit the desk when an operator typed her staff code).
Every registered action is enumerated; the shipped keys themselves obey the same rule."""

from __future__ import annotations

import pytest

from deskterm.config import SettingsError
from deskterm.i18n import set_language
from deskterm.tui.actions import ACTIONS
from deskterm.tui.areas import AREAS, screen_class
from deskterm.tui.keymap import known_key, shared_key, types_text, user_keymap, works_in_fields


@pytest.fixture(scope="module", autouse=True)
def every_action():
    import deskterm.tui.app  # noqa: F401  (the app's own actions)

    for area in AREAS:
        screen_class(area)


def test_every_action_over_forms_refuses_keys_that_type_text():
    over_forms = [a for a in ACTIONS if works_in_fields(a)]
    assert len(over_forms) >= 20 and "app.quit" in over_forms
    for action_id in over_forms:
        for key in (
            "a",
            "shift+a",
            "7",
            "space",
            "comma",
            "ctrl+y,q",
            "backspace",
            "enter",
            "tab",
            "left",
            "delete",
            "home",
        ):
            with pytest.raises(SettingsError):
                user_keymap({action_id: key})
        assert user_keymap({action_id: "ctrl+y"}) == {action_id: "ctrl+y"}


def test_actions_of_one_screen_may_take_letters():
    # a list's or a menu's own letter keys (no field to type into there)
    for action_id in ("visitors.call_agreed", "complaint_menu.step"):
        assert not works_in_fields(action_id)
        assert user_keymap({action_id: "x"}) == {action_id: "x"}


def test_no_shipped_key_of_an_action_over_forms_types_text():
    for action_id, action in ACTIONS.items():
        if action_id.startswith("app."):
            assert not any(types_text(k) for k in action.key.split(",")), action_id


@pytest.mark.parametrize(("lang", "word"), [("en", "types text"), ("zh_CN", "输入")])
def test_the_refusal_is_one_sentence_in_the_desk_s_language(lang, word):
    set_language(lang)
    try:
        with pytest.raises(SettingsError) as refused:
            user_keymap({"app.quit": "a"})
    finally:
        set_language("en")
    assert word in str(refused.value) and "keymap.app.quit" in str(refused.value)


@pytest.mark.parametrize(
    "key", ["f99", "f25", "ctrl+\U0001f600", "\u00e9", "ctrl+ctrl+a", "hyperspace+a", "ctrl+", ""]
)
def test_a_key_no_keyboard_sends_is_refused(key):
    with pytest.raises(SettingsError) as refused:
        user_keymap({"visitors.new": key or " "})
    assert "keymap.visitors.new" in str(refused.value)


def test_every_key_textual_names_is_accepted():
    from textual.keys import Keys

    for key in Keys:
        if not key.value.startswith("<") and key.value != "ctrl-at":
            assert known_key(key.value), key.value
    for key in ("f24", "ctrl+shift+f12", "alt+x", "question_mark", "?", "pageup", "ctrl+space"):
        assert known_key(key), key


def test_the_shipped_keys_share_no_key_with_an_app_action():
    assert shared_key({}) is None


def test_an_app_action_keeps_its_key_to_itself():
    """Every app action (on every screen) against every other action's shipped key, both ways
    round: one key may not serve two actions that can be on the screen at once."""
    app_actions = [i for i in ACTIONS if i.startswith("app.")]
    assert len(app_actions) >= 5
    for action_id in app_actions:
        mine = ACTIONS[action_id].key.split(",")[0]
        for other_id, other in ACTIONS.items():
            if other_id == action_id:
                continue
            theirs = other.key.split(",")[0]
            if not types_text(theirs):
                with pytest.raises(SettingsError):
                    user_keymap({action_id: theirs})
            if other_id.startswith("app.") or not types_text(mine):
                with pytest.raises(SettingsError):
                    user_keymap({other_id: mine})
    # an area's actions may share a key, as the shipped ones do (Ctrl+N on every list)
    assert user_keymap({"visitors.new": "ctrl+b"}) == {"visitors.new": "ctrl+b"}
