from pathlib import Path

from sessionboard.providers.capabilities import readme_block

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_table_is_the_one_the_adapters_declare():
    assert readme_block() in README.read_text(), "run `sessionboard capabilities` and paste it into README.md"
