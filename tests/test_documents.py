from __future__ import annotations

import codecs
import errno
import os
from pathlib import Path

import pytest

from facts import extract
from facts.text.documents import Document, InputError, decode_bytes, iter_paths, load_document, load_documents

RUSSIAN = (
    "Товарооборот России и Китая в 2023 году вырос на 26,3% и достиг 240,1 млрд долларов, "
    "сообщило Главное таможенное управление КНР. Экспорт из России составил 129,1 млрд долларов, "
    "а импорт — 111 млрд долларов. По словам министра, к 2030 году объём торговли может превысить 300 млрд.\r\n"
    "В январе поставки нефти увеличились на 12 процентов по сравнению с тем же месяцем прошлого года.\r\n"
)
# French and German together score the same in cp1250 and cp1252, which is the case the tie-break is for.
WESTERN = (
    "Le 14 juillet 2023, le ministère de l'Économie a annoncé une hausse de 3,5 % des exportations françaises. "
    "Les échanges avec l'Allemagne ont atteint 150 milliards d'euros; à Köln, die Börse stieg um 2,1 Prozent. "
    "Größere Unternehmen äußerten sich zufrieden über die Entwicklung.\n"
)
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00" + bytes(range(256))


def write(path, data: bytes):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_utf8_round_trips_exactly(tmp_path):
    text = "Oil rose 3%\r\nto $80\u00a0bn\ton 5 May 🚀 (up 2\u202f%).\r\n"
    path = write(tmp_path / "a.txt", text.encode("utf-8"))

    doc = load_document(path)

    assert doc.text == text
    assert (doc.doc, doc.path, doc.encoding, doc.warnings) == ("a.txt", str(path), "utf-8", [])


def test_utf8_bom_is_stripped(tmp_path):
    path = write(tmp_path / "a.txt", codecs.BOM_UTF8 + "Цена 5 €\r\n".encode("utf-8"))

    doc = load_document(path)

    assert (doc.text, doc.encoding) == ("Цена 5 €\r\n", "utf-8-sig")


def test_cp1251_is_detected_with_warning(tmp_path):
    path = write(tmp_path / "ru.txt", RUSSIAN.encode("cp1251"))

    doc = load_document(path)

    assert doc.text == RUSSIAN
    assert doc.encoding in ("cp1251", "windows-1251")
    assert len(doc.warnings) == 1
    assert doc.encoding in doc.warnings[0] and "not valid UTF-8" in doc.warnings[0]


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom(tmp_path, codec):
    bom = codecs.BOM_UTF16_LE if codec.endswith("le") else codecs.BOM_UTF16_BE
    text = "Exports rose 4\u00a0% 🚀\r\n" + RUSSIAN
    path = write(tmp_path / "u16.txt", bom + text.encode(codec))

    doc = load_document(path)

    assert doc.text == text
    assert doc.encoding == "utf-16"
    assert "utf-16" in doc.warnings[0]


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("text", [WESTERN, RUSSIAN], ids=["western", "russian"])
def test_utf16_without_bom_is_detected_not_refused_as_binary(tmp_path, codec, text):
    path = write(tmp_path / "u16.txt", text.encode(codec))

    doc = load_document(path)

    assert (doc.text, doc.encoding) == (text, codec)
    assert "no byte order mark" in doc.warnings[0]


def test_utf8_with_a_stray_byte_is_utf8_with_a_warning_naming_the_offset(tmp_path):
    before, after = "Shipments reached 8\u00a0800 tonnes in 2024, ", "up from 7\u00a0100 tonnes.\n"
    data = before.encode("utf-8") + b"\x9d" + after.encode("utf-8")
    path = write(tmp_path / "stray.txt", data)

    doc = load_document(path)

    assert (doc.text, doc.encoding) == (before + "\ufffd" + after, "utf-8")
    assert doc.warnings == [f"not valid UTF-8 at byte offset {len(before.encode('utf-8'))}: decoded as UTF-8, "
                            "1 bad byte sequence(s) replaced with U+FFFD"]
    assert "8\u00a0800 tonnes" in [m.text for m in extract(doc.text)]


def test_a_single_nul_byte_does_not_make_a_text_file_binary(tmp_path):
    text = "Exports rose 4 percent in 2024.\x00 Imports fell.\n"
    path = write(tmp_path / "nul.txt", text.encode("utf-8"))

    doc = load_document(path)

    assert doc.text == text
    assert [m.text for m in extract(doc.text)] == [m.text for m in extract(text.replace("\x00", " "))]


def test_utf32_with_bom(tmp_path):
    path = write(tmp_path / "u32.txt", "Up 7 % 🚀\n".encode("utf-32"))

    doc = load_document(path)

    assert (doc.text, doc.encoding) == ("Up 7 % 🚀\n", "utf-32")


def test_latin1_is_detected_with_warning(tmp_path):
    path = write(tmp_path / "fr.txt", WESTERN.encode("latin-1"))

    doc = load_document(path)

    assert doc.text == WESTERN
    assert doc.encoding in ("cp1252", "latin-1", "iso8859-15")
    assert "not valid UTF-8" in doc.warnings[0]


def test_binary_file_is_refused(tmp_path):
    path = write(tmp_path / "image.png", PNG)

    with pytest.raises(InputError) as caught:
        load_document(path)

    assert caught.value.path == str(path)
    assert str(caught.value) == f"{path}: binary file (not text), skipped"


def test_control_characters_without_nul_are_binary():
    with pytest.raises(InputError, match="binary"):
        decode_bytes(bytes(range(1, 32)) * 20, "x.bin")


@pytest.mark.parametrize("data", [b"", b" \r\n\t\n", codecs.BOM_UTF8])
def test_empty_file_is_refused(tmp_path, data):
    path = write(tmp_path / "empty.txt", data)

    with pytest.raises(InputError, match="empty file") as caught:
        load_document(path)

    assert caught.value.path == str(path)


def test_too_large_file_is_refused(tmp_path):
    path = write(tmp_path / "big.txt", b"x" * 101)

    with pytest.raises(InputError, match=r"file too large \(101 bytes > 100 limit; --max-size MB raises it\)"):
        load_document(path, max_bytes=100)


def test_directory_and_missing_file_give_os_reason(tmp_path):
    with pytest.raises(InputError, match="Is a directory"):
        load_document(tmp_path)
    with pytest.raises(InputError, match="No such file"):
        load_document(tmp_path / "missing.txt")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root can read anything")
def test_unreadable_file_gives_os_reason(tmp_path):
    path = write(tmp_path / "secret.txt", b"text")
    path.chmod(0)

    with pytest.raises(InputError, match="Permission denied"):
        load_document(path)


def test_html_is_read_as_the_text_a_reader_sees(tmp_path):
    html = ("<html><head><script>var x = 2024;</script><style>p {margin: 0}</style></head><body>"
            "<h1>Trade</h1><p>Trade reached <b>US$&nbsp;3.74 billion</b> in 2024.</p></body></html>")
    path = write(tmp_path / "page.html", html.encode("utf-8"))

    document = load_document(path)

    assert document.format == "html"
    assert "<" not in document.text and "var x" not in document.text
    assert "Trade reached US$\u00a03.74 billion in 2024." in document.text.replace("US$ 3", "US$\u00a03")
    from facts import extract
    mentions = extract(document.text)
    assert [m.text.replace("\u00a0", " ") for m in mentions] == ["US$ 3.74 billion", "2024"]
    assert all(document.text[m.start:m.end] == m.text for m in mentions)


def test_text_files_are_never_altered(tmp_path):
    text = "<p>Up&nbsp;5&#37;</p>\r\n"
    path = write(tmp_path / "page.txt", text.encode("utf-8"))

    assert load_document(path).text == text


def test_input_error_message_with_line():
    err = InputError("rules/x.yaml", "bad pattern", line=7)

    assert (str(err), err.path, err.reason, err.line) == ("rules/x.yaml:7: bad pattern", "rules/x.yaml", "bad pattern", 7)
    assert str(InputError("a.txt", "empty file")) == "a.txt: empty file"


def test_iter_paths_walks_folders_sorted_and_skips_hidden(tmp_path):
    root = tmp_path / "news"
    for name in ["b.txt", "a/z.txt", "a/b/c.txt", "a.txt", ".hidden.txt", ".git/config", "a/.cache/x.txt"]:
        write(root / name, b"text")
    single = write(tmp_path / "other" / "one.txt", b"text")

    found = list(iter_paths([root, str(single)]))

    assert [doc for _, doc in found] == ["a/b/c.txt", "a/z.txt", "a.txt", "b.txt", "one.txt"]
    assert found[0][0] == root / "a" / "b" / "c.txt"
    assert found[-1][0] == single


def test_iter_paths_missing_path_raises(tmp_path):
    missing = tmp_path / "nope"

    with pytest.raises(InputError) as caught:
        list(iter_paths([missing]))

    assert caught.value.path == str(missing)


def test_an_unreadable_subfolder_is_reported_and_the_rest_still_read(tmp_path, monkeypatch):
    root = tmp_path / "in"
    write(root / "a.txt", b"First.")
    write(root / "locked" / "b.txt", b"Hidden.")
    write(root / "z.txt", b"Last.")
    real_scandir = os.scandir

    def scandir(path="."):
        if Path(path) == root / "locked":  # as for a folder without read permission (tests may run as root)
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    results = list(load_documents([root]))

    assert [r.doc for r in results if isinstance(r, Document)] == ["a.txt", "z.txt"]
    assert [str(r) for r in results if isinstance(r, InputError)] == [f"{root / 'locked'}: Permission denied"]


def test_a_folder_is_read_without_the_files_to_skip(tmp_path):
    root = tmp_path / "in"
    write(root / "a.txt", b"First.")
    write(root / "mentions.jsonl", b'{"text": "$3 million"}')
    link = tmp_path / "out.jsonl"
    link.symlink_to(root / "mentions.jsonl")

    assert [r.doc for r in load_documents([root], skip=[link])] == ["a.txt"]


def test_load_documents_reports_errors_in_place_and_goes_on(tmp_path):
    root = tmp_path / "in"
    write(root / "1.txt", "First: 5 %.".encode("utf-8"))
    write(root / "2.png", PNG)
    write(root / "3.txt", b"")
    write(root / "4.txt", RUSSIAN.encode("cp1251"))
    missing = tmp_path / "missing.txt"
    last = write(tmp_path / "last.txt", b"Last.")

    results = list(load_documents([root, missing, last]))

    assert [type(r) for r in results] == [Document, InputError, InputError, Document, InputError, Document]
    assert [r.doc if isinstance(r, Document) else r.path for r in results] == [
        "1.txt", str(root / "2.png"), str(root / "3.txt"), "4.txt", str(missing), "last.txt",
    ]
    assert results[0].text == "First: 5 %."
    assert results[3].text == RUSSIAN
    assert results[5].path == str(last)
