"""The layers of README's layout only point down: import-linter checks the contract kept in
`.importlinter` (no exception listed), the way warehouse keeps its structure with tooling."""

import configparser
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / ".importlinter"


def test_the_layers_contract_holds():
    result = subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports")), "--config", str(CONFIG)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_contract_lists_no_exception():
    config = configparser.ConfigParser()
    config.read(CONFIG)
    for section in config.sections():
        assert "ignore_imports" not in config[section], f"{section} ignores imports"
        assert "unmatched_ignore_imports_alerting" not in config[section]
