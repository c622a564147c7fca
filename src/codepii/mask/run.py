"""``run_masking(cfg)``: one masking run with the configured engine; shared by ``mask/mask.py`` and ``codepii mask``."""
from __future__ import annotations

from .config import MaskConfig, require_paths


def run_masking(cfg: MaskConfig):
    """Mask ``cfg.input`` into ``cfg.output`` on the local or the Ray engine; this rank's ``Summary``."""
    require_paths(cfg)  # before any shard is read or any worker starts
    if cfg.engine == "ray":
        from .ray_engine import RayExecutor

        return RayExecutor(cfg).run()
    from .executor import LocalExecutor

    return LocalExecutor(cfg).run()
