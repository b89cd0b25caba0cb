"""The style bible and prompt library: grids, stable ids, the TOML file, exports and coverage."""
from __future__ import annotations

import csv
import io
from pathlib import Path

import filmkit as fk
import pytest
from filmkit.cli import main
from filmkit.errors import FileFormatError, FilmkitError, PromptError
from filmkit.prompts import parse_prompt, validate_prompt
from filmkit.style import (
    EXAMPLE_PATH,
    CoverageReport,
    LibraryPrompt,
    PromptLibrary,
    StyleBible,
    check_library_file,
    example_library,
    load_library,
    save_library,
    slug,
)
from hypothesis import given, settings
from hypothesis import strategies as st

DATA = Path(__file__).parent / "data" / "style"


def small_library() -> PromptLibrary:
    bible = StyleBible("Quayside", medium=["ink wash"], palette=["slate blue", "rust"],
                       params={"ar": "16:9", "s": 250}, seed="per-prompt", base_seed=11, negative=["text"])
    return PromptLibrary(bible, cores={"quay": "a stone quay", "pier": "a wooden pier --ar 2:3"},
                         axes={"time_of_day": ["dawn", "golden hour", "night"], "weather": ["fog", "rain"]})


def problems_of(name: str) -> list[tuple[int | None, str]]:
    with pytest.raises(FileFormatError) as info:
        load_library(DATA / name)
    assert info.value.path == DATA / name
    return info.value.problems


# --- the bible ---------------------------------------------------------------------------------------------------
def test_apply_adds_tokens_params_negatives_and_seed_once() -> None:
    bible = StyleBible(medium="oil painting", palette=["slate blue", "rust"], params={"ar": "16:9", "s": 250},
                       negative=["text", "People"], seed="fixed", base_seed=5)
    p = bible.apply("a lighthouse, OIL painting --no people, boats --s 50")
    assert p.text == "a lighthouse, OIL painting, slate blue, rust"
    assert p.text.lower().count("oil painting") == 1
    assert p.params["stylize"] == "50"          # the prompt's own value wins
    assert p.params["aspect"] == "16:9"
    assert p.params["no"] == "people, boats, text"   # merged, case-insensitively, no duplicate
    assert p.params["seed"] == "5"
    assert bible.apply(p) == p                  # idempotent
    assert bible.apply(str(p)) == p


def test_a_prompts_own_model_keeps_the_bibles_model_out() -> None:
    bible = StyleBible(params={"v": 7, "ar": "16:9"})
    niji = bible.apply("a koi pond --niji 6")
    assert "version" not in niji.params and niji.params["niji"] == "6"
    assert [p for p in validate_prompt(niji) if p.is_error] == []
    assert StyleBible(params={"niji": 6}).apply("a koi pond --v 6.1").params.get("niji") is None
    assert bible.apply("a koi pond").params["version"] == "7"


def test_token_words_match_whole_words_only() -> None:
    bible = StyleBible(palette=["rust"])
    assert bible.apply("a rusty anchor").text == "a rusty anchor, rust"
    assert bible.apply("a rust-red anchor").text == "a rust-red anchor"


def test_tokens_from_strings_are_split_on_commas_and_lists_kept_whole() -> None:
    bible = StyleBible(medium="ink wash,  watercolour ", lens=["35mm lens, wide open"])
    assert bible.medium == ("ink wash", "watercolour")
    assert bible.lens == ("35mm lens, wide open",)
    assert bible.tokens == ("ink wash", "watercolour", "35mm lens, wide open")


def test_seed_strategies() -> None:
    assert "seed" not in StyleBible().apply("a quay").params
    assert StyleBible(seed="fixed", base_seed=9).apply("a quay").params["seed"] == "9"
    per = StyleBible(seed="per-prompt", base_seed=9)
    a, b = per.seed_for("quay/dawn"), per.seed_for("quay/night")
    assert a != b and 0 <= a <= 4294967295 and 0 <= b <= 4294967295
    assert per.seed_for("quay/dawn") == a
    assert StyleBible(seed="per-prompt", base_seed=10).seed_for("quay/dawn") != a
    assert per.apply("a quay --seed 3").params["seed"] == "3"


def test_bible_rejects_bad_values_with_the_fix() -> None:
    with pytest.raises(PromptError, match="per-prompt"):
        StyleBible(seed="per_prompt")
    with pytest.raises(PromptError, match="base_seed"):
        StyleBible(base_seed=-1)
    with pytest.raises(PromptError, match="seed='fixed'"):
        StyleBible(params={"seed": 4})
    with pytest.raises(PromptError, match="not a token field"):
        StyleBible().with_tokens(pallete="grey")


def test_bible_params_are_canonical_and_lists_join() -> None:
    bible = StyleBible(params={"ar": "2:3", "sref": [123, 456], "no": ["trees", "cars"], "tile": True})
    assert dict(bible.params) == {"aspect": "2:3", "sref": "123 456", "no": "trees, cars", "tile": True}
    assert dict(bible.with_params(ar=None, v=7).params) == {"sref": "123 456", "no": "trees, cars",
                                                             "tile": True, "version": "7"}


# --- the grid ----------------------------------------------------------------------------------------------------
def test_grid_order_size_and_ids() -> None:
    lib = small_library()
    grid = lib.grid()
    assert len(grid) == lib.size == 2 * 3 * 2
    assert [item.id for item in grid[:6]] == [
        "quay/dawn/fog", "quay/dawn/rain", "quay/golden-hour/fog", "quay/golden-hour/rain",
        "quay/night/fog", "quay/night/rain"]
    assert grid[6].id == "pier/dawn/fog"
    assert len({item.id for item in grid}) == len(grid)
    item = grid[2]
    assert isinstance(item, LibraryPrompt)
    assert item.core == "quay" and dict(item.choices) == {"time_of_day": "golden hour", "weather": "fog"}
    assert item.prompt.text == "a stone quay, golden hour, fog, ink wash, slate blue, rust"
    assert item.seed == int(item.prompt.params["seed"]) == lib.bible.seed_for("quay/golden-hour/fog")
    assert grid[6].prompt.params["aspect"] == "2:3"      # a core's own parameter wins
    for item in grid:
        assert [p for p in validate_prompt(item.prompt) if p.is_error] == []


def test_ids_and_prompts_are_stable_when_unrelated_entries_are_added() -> None:
    lib = small_library()
    before = {item.id: item for item in lib.grid()}
    bigger = lib.with_core("bell", "a brass ship's bell").with_axis("weather", ["fog", "rain", "snow"])
    after = {item.id: item for item in bigger.grid()}
    assert len(after) == 3 * 3 * 3
    for pid, item in before.items():
        assert after[pid] == item            # same id, same prompt, same seed
    # stable across runs and machines: the seed is a SHA-256 of the id, never Python's salted hash()
    assert StyleBible(seed="per-prompt", base_seed=1207).seed_for("quay/dawn/sea-fog/wide-shot") == 2655882929
    assert example_library().grid()[0].seed == 2655882929


def test_grid_subsets() -> None:
    lib = small_library()
    assert [i.id for i in lib.grid("pier", axes=["weather"])] == ["pier/fog", "pier/rain"]
    sub = lib.grid(["pier", "quay"], axes={"weather": ["rain"], "time_of_day": ["night", "dawn"]})
    assert [i.id for i in sub] == ["pier/night/rain", "pier/dawn/rain", "quay/night/rain", "quay/dawn/rain"]
    with pytest.raises(PromptError, match="Did you mean 'quay'"):
        lib.grid("qauy")
    with pytest.raises(PromptError, match="Did you mean 'weather'"):
        lib.grid(axes=["wether"])
    assert [i.id for i in PromptLibrary(cores={"quay": "a quay"}).grid()] == ["quay"]


def test_copies_leave_the_original_alone() -> None:
    lib = small_library()
    lib2 = lib.with_core("quay", "a granite quay").without_axis("weather").with_bible(StyleBible("Noir"))
    assert lib.cores["quay"] == "a stone quay" and "weather" in lib.axes and lib.name == "Quayside"
    assert lib2.cores["quay"] == "a granite quay" and list(lib2.axes) == ["time_of_day"] and lib2.name == "Noir"
    assert list(lib2.cores) == ["quay", "pier"]      # replacing keeps the place
    assert lib.without_core("pier").size == 6
    assert hash(lib) == hash(small_library()) and lib == small_library()


def test_library_refuses_ids_that_would_clash() -> None:
    with pytest.raises(PromptError, match="write 'old-pier'"):
        PromptLibrary(cores={"Old Pier": "a pier"})
    with pytest.raises(PromptError, match="has no options"):
        PromptLibrary(cores={"quay": "a quay"}, axes={"weather": []})
    with pytest.raises(PromptError, match="'golden-hour'"):
        PromptLibrary(cores={"quay": "a quay"}, axes={"time": ["golden hour"], "light": ["Golden-Hour"]})


# --- the file ----------------------------------------------------------------------------------------------------
def test_valid_file_reads_every_form_people_write() -> None:
    lib = load_library(DATA / "valid_harbour.toml")
    assert lib.name == "Quayside"
    assert lib.bible.medium == ("ink wash", "watercolour")
    assert lib.bible.palette == ("slate blue", "rust")
    assert dict(lib.bible.params) == {"aspect": "3:2", "stylize": "100"}
    assert (lib.bible.seed, lib.bible.base_seed) == ("fixed", 42)
    assert list(lib.cores) == ["quay", "old-pier"]
    assert dict(lib.axes) == {"time_of_day": ("dawn", "night"), "mood": ("calm", "ominous")}
    assert check_library_file(DATA / "valid_harbour.toml") == []


def test_example_library_is_coherent_and_valid() -> None:
    lib = fk.example_library()
    assert lib == load_library(EXAMPLE_PATH)
    assert len(lib.cores) == 3 and len(lib.axes) == 3 and lib.size == 81
    assert lib.coverage().ok
    for item in lib.grid():
        assert [p for p in validate_prompt(item.prompt) if p.is_error] == [], item.id


def test_round_trip_through_the_file(tmp_path: Path) -> None:
    libs = [example_library(), small_library(), load_library(DATA / "valid_harbour.toml"),
            PromptLibrary(cores={"quay": "a quay"})]
    for n, lib in enumerate(libs):
        path = tmp_path / f"lib{n}.toml"
        assert load_library(save_library(lib, path)) == lib
        assert check_library_file(path) == []
    text = (tmp_path / "lib0.toml").read_text()
    assert text.startswith("# A filmkit prompt library")
    assert "stylize = 250\n" in text and "[cores]\n" in text and 'seed = "per-prompt"' in text


_word = st.text(st.characters(whitelist_categories=("Ll", "Lu", "Nd"), whitelist_characters=" '-éøå"),
                min_size=1, max_size=12).filter(
    lambda s: any(c.isalnum() for c in s) and " -" not in f" {s}")   # no word may start like a --parameter
_ident = st.from_regex(r"[a-z][a-z0-9_-]{0,8}", fullmatch=True)
_params = st.fixed_dictionaries({}, optional={
    "aspect": st.sampled_from(["16:9", "2:3", "1:1", "21:9"]),
    "stylize": st.integers(0, 1000).map(str),
    "chaos": st.integers(0, 100).map(str),
    "sref": st.lists(st.integers(1, 4294967295).map(str), min_size=1, max_size=3).map(" ".join),
    "version": st.sampled_from(["6", "6.1", "7"]),
    "tile": st.just(True),
    "no": st.lists(_word, min_size=1, max_size=3).map(", ".join),
})


@st.composite
def libraries(draw: st.DrawFn) -> PromptLibrary:
    tokens = {name: draw(st.lists(_word, max_size=3)) for name in ("medium", "palette", "lighting", "lens",
                                                                    "era", "texture", "negative")}
    seed = draw(st.sampled_from(["none", "fixed", "per-prompt"]))
    bible = StyleBible(draw(_word), params=draw(_params), seed=seed, base_seed=draw(st.integers(0, 4294967295)),
                       **tokens)
    cores = draw(st.dictionaries(_ident, _word, min_size=1, max_size=3))
    names = draw(st.lists(_ident, unique=True, max_size=3))
    options = draw(st.lists(_word, unique_by=slug, min_size=len(names), max_size=len(names) * 3))
    axes = {name: options[i::len(names)] for i, name in enumerate(names)}
    return PromptLibrary(bible, cores, axes)


@settings(max_examples=60, deadline=None)
@given(lib=libraries())
def test_round_trip_property(lib: PromptLibrary, tmp_path_factory: pytest.TempPathFactory) -> None:
    path = tmp_path_factory.mktemp("rt") / "lib.toml"
    again = load_library(save_library(lib, path))
    assert again == lib
    assert [i.prompt for i in again.grid()] == [i.prompt for i in lib.grid()]


@pytest.mark.parametrize("name, expected", [
    ("syntax_error.toml", [(5, "string runs past the end of the line")]),
    ("duplicate_key.toml", [(7, "'quay' is written twice")]),
    ("unknown_keys.toml", [(3, "Did you mean 'medium'?"), (5, "Did you mean 'cores'?")]),
    ("wrong_types.toml", [(3, "medium must be a list of words"), (4, "Did you mean 'per-prompt'?"),
                          (5, "base_seed must be a whole number"), (9, "core prompt 'pier' must be text"),
                          (12, "axis 'weather' must be a list")]),
    ("bad_params.toml", [(6, "--stylize must be 0–1000; got 2000"), (7, "Did you mean --stylize?")]),
    ("bad_cores.toml", [(9, "core prompt 'pier': --chaos must be 0–100; got 150"),
                        (10, "core prompt 'girl': --cref does not exist in V7")]),
    ("empty_axis.toml", [(9, "axis 'weather' has no options")]),
    ("duplicate_ids.toml", [(6, "core id 'Old Pier' must be lower-case"), (9, "lists 'dawn' twice"),
                            (10, "gives the id part 'golden-hour'")]),
    ("no_cores.toml", [(None, "no [cores] table")]),
])
def test_bad_files_give_line_numbered_problems(name: str, expected: list[tuple[int | None, str]]) -> None:
    problems = problems_of(name)
    assert [line for line, _ in problems] == [line for line, _ in expected], problems
    for (_, message), (_, fragment) in zip(problems, expected):
        assert fragment in message


def test_check_library_file_lines_and_the_cli(capsys: pytest.CaptureFixture[str]) -> None:
    path = DATA / "bad_params.toml"
    assert check_library_file(path) == [
        f"{path}:6: --stylize must be 0–1000; got 2000. Use 1000 or less.",
        f"{path}:7: --stylise is not a Midjourney parameter. Did you mean --stylize?"]
    assert main(["prompt", "check", str(path)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"{path}:6: --stylize must be 0–1000; got 2000. Use 1000 or less."
    assert main(["prompt", "check", str(DATA / "valid_harbour.toml")]) == 0
    assert "OK" in capsys.readouterr().out
    assert "are TOML files, not YAML" in check_library_file(DATA / "library.yaml")[0]
    [missing] = check_library_file(DATA / "missing.toml")
    assert missing.startswith(f"{DATA / 'missing.toml'}: there is no file ") and "EXAMPLE_PATH" in missing


def test_line_numbers_survive_comments_inline_tables_and_quoted_keys(tmp_path: Path) -> None:
    path = tmp_path / "lib.toml"
    path.write_text('# header = "not a key"\n'
                    'description = """\n'
                    '[cores]\n'
                    'stylize = 2000\n'
                    '"""\n'
                    '[bible]\n'
                    'name = "x"\n'
                    '[bible.params]\n'
                    '"ar" = "16:0"\n'
                    '[cores]\n'
                    '"quay" = "a quay"\n'
                    '[axes]\n'
                    'mood = [\n'
                    '  "calm",\n'
                    '  "calm",\n'
                    ']\n', encoding="utf-8")
    with pytest.raises(FileFormatError) as info:
        load_library(path)
    assert [(line, message.split(";")[0].split(".")[0]) for line, message in info.value.problems] == [
        (2, "unknown table or key 'description'"),
        (9, "--ar needs two sides above zero"),
        (15, "axis 'mood' lists 'calm' twice"),
    ]


# --- saving never loses a learner's file ---------------------------------------------------------------------------
def test_save_refuses_to_overwrite_a_different_file(tmp_path: Path) -> None:
    path = tmp_path / "library.toml"
    path.write_text("# my notes, not a library yet\n", encoding="utf-8")
    with pytest.raises(FilmkitError, match="overwrite=True"):
        save_library(small_library(), path)
    assert path.read_text(encoding="utf-8") == "# my notes, not a library yet\n"
    save_library(small_library(), path, overwrite=True)
    assert load_library(path) == small_library()
    assert (tmp_path / "library.toml.bak").read_text(encoding="utf-8") == "# my notes, not a library yet\n"
    save_library(small_library(), path)                      # the same content again: fine, nothing changes
    assert sorted(p.name for p in tmp_path.iterdir()) == ["library.toml", "library.toml.bak"]  # no temp files
    with pytest.raises(FilmkitError, match="is a folder"):
        save_library(small_library(), tmp_path)


# --- exports -----------------------------------------------------------------------------------------------------
def test_sheet_lines_parse_back_to_the_grid() -> None:
    lib = small_library()
    lines = lib.to_sheet().splitlines()
    grid = lib.grid()
    assert len(lines) == len(grid)
    for line, item in zip(lines, grid):
        assert line.startswith("/imagine prompt: ")
        assert parse_prompt(line.removeprefix("/imagine prompt: ")) == item.prompt
    assert lib.to_sheet("pier", axes=["weather"]).count("\n") == 1


def test_csv_parses_back(tmp_path: Path) -> None:
    lib = small_library()
    rows = list(csv.DictReader(io.StringIO(lib.to_csv())))
    assert list(rows[0]) == ["id", "core", "time_of_day", "weather", "prompt", "seed"]
    assert [r["id"] for r in rows] == [i.id for i in lib.grid()]
    for row, item in zip(rows, lib.grid()):
        assert parse_prompt(row["prompt"]) == item.prompt
        assert int(row["seed"]) == item.seed
        assert (row["core"], row["time_of_day"], row["weather"]) == (item.core, *item.choices.values())
    path = tmp_path / "grid.csv"
    lib.to_csv(path)
    with path.open(newline="", encoding="utf-8") as f:
        assert list(csv.DictReader(f)) == rows
    with pytest.raises(FilmkitError, match="already exists"):
        lib.with_core("bell", "a bell").to_csv(path)
    buf = io.StringIO()
    PromptLibrary(cores={"quay": "a quay, with commas"}).to_csv(buf)
    assert list(csv.reader(io.StringIO(buf.getvalue()))) == [["id", "core", "prompt", "seed"],
                                                              ["quay", "quay", "a quay, with commas", ""]]


# --- coverage ----------------------------------------------------------------------------------------------------
def test_coverage_catches_what_a_prompt_lost() -> None:
    lib = small_library()
    grid = lib.grid()
    report = lib.coverage([grid[0], *grid[1:6]])
    assert report.ok and len(report.checked) == 6
    broken = [
        grid[0],
        grid[1].prompt.with_text(grid[1].prompt.text.replace(", rust", "")),         # lost a token
        str(grid[2].prompt.without_param("ar").without_param("seed")),               # lost --ar and --seed
        grid[3].prompt.with_param("no", "boats"),                                    # lost --no text
        grid[4].prompt.with_param("s", 900),                                         # changed --s
    ]
    report = lib.coverage(broken)
    assert isinstance(report, CoverageReport) and not report.ok
    assert dict(report.misses) == {
        "#2": ("token 'rust'",),
        "#3": ("--ar 16:9", "--seed"),
        "#4": ("--no text",),
        "#5": ("--s is 900, the bible says 250",),
    }
    text = repr(report)
    assert text.startswith("CoverageReport: 4 of 5 prompts miss something") and "#2: token 'rust'" in text
    assert "<table" in report._repr_html_() and "token &#x27;rust&#x27;" in report._repr_html_()
    # the full grid shows the core that overrides --ar on purpose
    assert set(lib.coverage().misses) == {i.id for i in grid if i.core == "pier"}


# --- display -----------------------------------------------------------------------------------------------------
def test_notebook_display() -> None:
    lib = small_library().with_core("tag", "a <b>bold</b> sign")
    page = lib._repr_html_()
    # five bible rows (medium, palette, negative, parameters, seed), a header row, 3 cores × 6 grid rows
    assert page.count("<tr>") == 5 + 1 + 3 * 6
    assert "quay/golden-hour/fog" in page and "&lt;b&gt;bold&lt;/b&gt;" in page and "<b>bold" not in page
    assert "Quayside" in repr(lib) and "18 prompts" in repr(lib)
    assert "… and" in example_library()._repr_html_()
