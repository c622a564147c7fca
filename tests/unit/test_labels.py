from codepii import labels as L


def test_fourteen_categories_and_mains():
    assert len(L.CATEGORIES) == 14
    assert len(L.MAIN_CATEGORIES) == 7
    assert set(L.SUBCATEGORIES) == {
        "NAME_EXAMPLE", "NAME_LICENSE", "EMAIL_EXAMPLE", "EMAIL_LICENSE", "USERNAME_EXAMPLE", "USERNAME_LICENSE"
    }
    assert L.main_category("EMAIL_LICENSE") == "EMAIL"
    assert L.main_category("AMBIGUOUS") == "AMBIGUOUS"
    assert L.subcategories_of("NAME") == ("NAME", "NAME_EXAMPLE", "NAME_LICENSE")
    assert L.subcategories_of("KEY") == ("KEY",)


def test_scoring_rules():
    assert L.scoring_category("NAME_LICENSE") == "NAME"
    assert L.scoring_category("NAME_EXAMPLE") is None
    assert L.scoring_category("AMBIGUOUS") is None
    assert L.scoring_category("IP_ADDRESS") == "IP_ADDRESS"


def test_default_and_reference_tagsets():
    d = L.TagSet.from_mapping("default")
    assert d.classes == L.MAIN_CATEGORIES
    assert d.tags[0] == "O" and len(d.tags) == 15
    assert d.target("EMAIL_LICENSE") == "EMAIL"
    assert d.target("EMAIL_EXAMPLE") == L.OUTSIDE
    assert d.target("AMBIGUOUS") == L.IGNORE
    r = L.TagSet.from_mapping("reference")
    assert "ID" not in r.classes and len(r.classes) == 6 and len(r.tags) == 13
    assert {v: k for k, v in r.tag2id.items()} == r.id2tag
    assert L.TagSet.from_dict(r.to_dict()) == r


def test_custom_mapping_errors():
    import pytest

    m = L.TagSet.from_mapping({"NAME_EXAMPLE": "NAME"})
    assert m.target("NAME_EXAMPLE") == "NAME"
    with pytest.raises(ValueError, match="not a category"):
        L.resolve_mapping({"NAMES": "NAME"})
    with pytest.raises(ValueError, match="target"):
        L.resolve_mapping({"NAME": "PERSON"})
    with pytest.raises(ValueError, match="unknown label mapping"):
        L.resolve_mapping("starpii")


def test_tag_helpers_roundtrip():
    for c in L.MAIN_CATEGORIES:
        assert L.tag_class(L.begin_tag(c)) == c
        assert L.tag_class(L.inside_tag(c)) == c
    assert L.tag_class("O") is None
    assert set(L.DEFAULT_PLACEHOLDERS) == set(L.MAIN_CATEGORIES) - {"IP_ADDRESS"}
