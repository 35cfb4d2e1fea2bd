"""The book's build configuration: the execution cache follows every edit of the library."""

import importlib.util
import pathlib
import runpy
import shutil

ROOT = pathlib.Path(__file__).resolve().parents[1]


def load_extension(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / "docs" / "_ext" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def copy_of_the_project(into: pathlib.Path) -> pathlib.Path:
    """The parts of the repository that docs/conf.py reads, copied under `into`."""
    shutil.copytree(ROOT / "docs" / "_ext", into / "docs" / "_ext")
    shutil.copy(ROOT / "docs" / "conf.py", into / "docs" / "conf.py")
    shutil.copytree(
        ROOT / "src" / "losslab",
        into / "src" / "losslab",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    return into


def cache_path(project: pathlib.Path, build_dir: pathlib.Path, monkeypatch) -> pathlib.Path:
    monkeypatch.setenv("LOSSLAB_BUILD_DIR", str(build_dir))
    settings = runpy.run_path(str(project / "docs" / "conf.py"))
    assert settings["nb_execution_mode"] == "cache"
    return pathlib.Path(settings["nb_execution_cache_path"])


def test_cache_key_changes_with_any_edit_of_src_and_only_then(tmp_path):
    source_hash = load_extension("cache_key").source_hash
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


def test_an_edit_of_src_moves_the_books_execution_cache(tmp_path, monkeypatch):
    project = copy_of_the_project(tmp_path / "project")
    build_dir = tmp_path / "build"
    before = cache_path(project, build_dir, monkeypatch)
    assert before.parent == build_dir / "jupyter_cache"
    assert cache_path(project, build_dir, monkeypatch) == before

    likelihoods = project / "src" / "losslab" / "likelihoods.py"
    likelihoods.write_text(likelihoods.read_text() + "\n# an edit\n")
    assert cache_path(project, build_dir, monkeypatch) != before

    likelihoods.write_text(likelihoods.read_text().removesuffix("\n# an edit\n"))
    assert cache_path(project, build_dir, monkeypatch) == before


def test_reading_the_configuration_changes_nothing_on_disk(tmp_path, monkeypatch):
    caches = tmp_path / "build" / "jupyter_cache"
    stale = caches / "0123456789abcdef"
    stale.mkdir(parents=True)
    cache_path(ROOT, tmp_path / "build", monkeypatch)
    assert stale.is_dir()
    assert sorted(caches.iterdir()) == [stale]


def test_a_build_start_removes_only_the_caches_of_earlier_sources(tmp_path):
    prune = load_extension("cache_key").prune_stale_caches
    assert prune(tmp_path / "absent" / "cache") == []
    caches = tmp_path / "jupyter_cache"
    current, stale, stray = caches / "current", caches / "stale", caches / "stray.db"
    (current / "executed").mkdir(parents=True)
    (stale / "executed").mkdir(parents=True)
    stray.write_text("")
    outside = tmp_path / "keep"
    outside.mkdir()

    assert prune(current) == [stale, stray]
    assert sorted(caches.iterdir()) == [current]
    assert (current / "executed").is_dir()
    assert outside.is_dir()
