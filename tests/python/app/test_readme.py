"""The README's Python examples run as written (so the README stays true)."""

from __future__ import annotations

import re


def test_readme_python_blocks_run(repo_dir, capsys):
    text = (repo_dir / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert len(blocks) >= 2
    namespace: dict = {}
    exec(compile("\n".join(blocks), "README.md", "exec"), namespace)  # noqa: S102 - our own documentation
    assert namespace["envelope"].shape == (2000, 4)  # 20 s at 2 kHz -> 2000 frames at 100 Hz
    assert namespace["percent"].shape == (2000, 4)
    assert "ES_R (trunk profile)" in capsys.readouterr().out
