from chartsuite.model.merge import coalesce, merge_user_values, merge_values

DEFAULTS = {"a": {"b": 1, "c": {"d": 2, "e": 3}}, "list": [1, 2, 3], "s": "x", "gone": {"k": 1}}


def test_maps_merge_recursively_and_defaults_fill_in():
    out = merge_values(DEFAULTS, {"a": {"c": {"d": 20}}})
    assert out["a"] == {"b": 1, "c": {"d": 20, "e": 3}}
    assert out["list"] == [1, 2, 3] and out["s"] == "x"


def test_lists_and_scalars_replace():
    out = merge_values(DEFAULTS, {"list": [9], "s": "y", "a": {"b": [1]}})
    assert out["list"] == [9]
    assert out["s"] == "y"
    assert out["a"]["b"] == [1]


def test_user_null_deletes_a_default_key():
    out = merge_values(DEFAULTS, {"gone": None, "a": {"c": {"e": None}}})
    assert "gone" not in out
    assert out["a"]["c"] == {"d": 2}


def test_null_for_key_without_default_is_kept_like_helm():
    assert coalesce({"x": 1}, {"y": None}) == {"x": 1, "y": None}


def test_files_apply_left_to_right():
    out = merge_values(DEFAULTS, {"s": "first", "a": {"b": 5}}, {"s": "second"})
    assert out["s"] == "second" and out["a"]["b"] == 5
    # a later null wins over an earlier value, then deletes the default
    out = merge_values(DEFAULTS, {"s": "first"}, {"s": None})
    assert "s" not in out


def test_map_replaces_scalar_and_scalar_replaces_map():
    assert merge_values({"a": 1}, {"a": {"b": 2}}) == {"a": {"b": 2}}
    assert merge_values({"a": {"b": 2}}, {"a": 3}) == {"a": 3}


def test_inputs_are_not_modified():
    user = {"a": {"c": {"d": 99}}}
    merge_values(DEFAULTS, user)
    assert DEFAULTS["a"]["c"]["d"] == 2 and user == {"a": {"c": {"d": 99}}}
    assert merge_user_values({"a": {"x": 1}}, {"a": {"y": 2}}) == {"a": {"x": 1, "y": 2}}
