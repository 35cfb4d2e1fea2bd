"""The book's build configuration: the execution cache must follow every edit of the library."""

import importlib.util
import pathlib
import shutil

ROOT = pathlib.Path(__file__).resolve().parents[1]


def load_cache_key():
    spec = importlib.util.spec_from_file_location("cache_key", ROOT / "docs/_ext/cache_key.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_cache_key_changes_with_any_edit_of_src_and_only_then(tmp_path):
    source_hash = load_cache_key().source_hash
    package = tmp_path / "losslab"
    shutil.copytree(ROOT / "src" / "losslab", package, ignore=shutil.ignore_patterns("__pycache__"))
    before = source_hash(package)
    assert source_hash(package) == before  # deterministic
    (package / "__pycache__").mkdir(exist_ok=True)
    (package / "__pycache__" / "x.pyc").write_bytes(b"not source")
    assert source_hash(package) == before  # bytecode is not source

    numerics = package / "numerics.py"
    numerics.write_text(numerics.read_text() + "\n# an edit\n")
    assert source_hash(package) != before

    numerics.write_text(numerics.read_text().removesuffix("\n# an edit\n"))
    assert source_hash(package) == before
    (package / "experiments" / "new_chapter.py").write_text("")
    assert source_hash(package) != before  # a new, even empty, module counts


def test_conf_uses_the_key_for_the_cache_path():
    conf = (ROOT / "docs" / "conf.py").read_text()
    assert 'nb_execution_mode = "cache"' in conf
    assert "nb_execution_cache_path = str(_CACHE)" in conf
    assert 'source_hash(ROOT / "src" / "losslab")' in conf
