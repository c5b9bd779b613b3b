from sessionboard.providers.base import mask_secrets


def test_secrets_masked_at_any_depth_and_the_input_is_untouched():
    raw = {"id": "s", "vncPassword": "pw", "nested": {"token": "t", "keep": 1}, "list": [{"password": "p"}, 2]}
    masked = mask_secrets(raw)
    assert masked == {"id": "s", "vncPassword": "***", "nested": {"token": "***", "keep": 1},
                      "list": [{"password": "***"}, 2]}
    assert raw["vncPassword"] == "pw" and raw["nested"]["token"] == "t"


def test_nothing_to_mask_returns_the_same_object():
    raw = {"id": "s", "machine": {"id": "m", "name": "n"}, "tags": ["a"]}
    assert mask_secrets(raw) is raw


def test_empty_secret_stays_empty():
    assert mask_secrets({"vncPassword": None}) == {"vncPassword": None}
