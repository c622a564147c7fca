import pytest

from codepii.config import load_config
from codepii.errors import ConfigError
from codepii.train_config import TrainConfig, flatten_config, require_data


def test_defaults_and_dotted_overrides():
    cfg = load_config(
        TrainConfig,
        None,
        ["data.train=a.jsonl", "optim.lr=3e-5", "labels.mapping=reference", "labels.class_weights={KEY: 2}", "max_steps=7"],
    )
    require_data(cfg)
    assert cfg.data.train == "a.jsonl" and cfg.optim.lr == 3e-5 and cfg.max_steps == 7
    assert cfg.labels.mapping == "reference" and cfg.labels.class_weights["KEY"] == 2.0
    assert cfg.mixed_precision == "no" and cfg.model.name_or_path == "tiny"


def test_mapping_may_be_a_dict_and_lists_of_paths():
    cfg = load_config(TrainConfig, None, ["data.train=[a.jsonl, b.parquet]", "labels.mapping={ID: O}"])
    require_data(cfg)
    assert cfg.data.train == ("a.jsonl", "b.parquet") and cfg.labels.mapping["ID"] == "O"


@pytest.mark.parametrize(
    "override, key",
    [
        ("optim.learning_rate=1", "optim.learning_rate"),  # unknown key
        ("batch.per_device=many", "batch.per_device"),  # wrong type
        ("mixed_precision=fp8", "mixed_precision"),  # not a choice
    ],
)
def test_bad_keys_name_the_key(override, key):
    with pytest.raises(ConfigError, match=key.replace(".", r"\.")):
        load_config(TrainConfig, None, ["data.train=a.jsonl", override])


@pytest.mark.parametrize(
    "override, needle",
    [
        ("labels.stride=300", "labels.stride"),
        ("labels.mapping={NAME: PERSON}", "labels.mapping"),
        ("labels.class_weights={PERSON: 2}", "PERSON"),
        ("optim.lr=0", "optim.lr"),
        ("optim.adam_betas=[0.9]", "adam_betas"),
        ("resume_from=x", "not both"),
        ("overwrite=true", "not both"),
        ("checkpoint.keep=0", "checkpoint.keep"),  # 0 kept every checkpoint, the opposite of the key's meaning
    ],
)
def test_loading_rejects_what_types_cannot(override, needle):
    with pytest.raises(ConfigError, match=needle):
        load_config(TrainConfig, None, ["data.train=a.jsonl", "resume=true" if override.startswith(("resume_from", "overwrite")) else "seed=0", override])


def test_data_train_is_required():
    with pytest.raises(ConfigError, match="data.train"):
        require_data(TrainConfig())


def test_flatten_config_gives_scalars_for_tensorboard():
    flat = flatten_config(load_config(TrainConfig, None, ["data.train=a.jsonl", "labels.thresholds={NAME: 0.7}"]))
    assert flat["optim.lr"] == 5e-5 and flat["data.train"] == "a.jsonl"
    assert all(isinstance(v, (bool, int, float, str)) for v in flat.values())
    assert "NAME" in flat["labels.thresholds"]
