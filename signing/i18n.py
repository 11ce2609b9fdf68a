"""Indonesian is the source language; English is the second locale.

The English catalogue is kept as a ``.po`` file in the package and compiled into the instance
folder on start, so no generated ``.mo`` file lives in the repository.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, redirect, request, session, url_for
from flask_babel import get_locale

SOURCE_DIR = Path(__file__).resolve().parent / "translations"


def compiled_directory(app: Flask) -> str:
    target = Path(app.instance_path) / "translations"
    for po_path in SOURCE_DIR.glob("*/LC_MESSAGES/messages.po"):
        mo_path = target / po_path.relative_to(SOURCE_DIR).with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        mo_path.parent.mkdir(parents=True, exist_ok=True)
        with po_path.open("rb") as handle:
            catalog = read_po(handle)
        tmp = mo_path.with_suffix(".mo.tmp")
        with tmp.open("wb") as handle:
            write_mo(handle, catalog)
        tmp.replace(mo_path)
    return str(target)


def init_app(app: Flask) -> None:

    app.jinja_env.globals["get_locale"] = get_locale

    @app.post("/bahasa/<lang>")
    def set_language(lang: str):  # type: ignore[no-untyped-def]
        if lang in app.config["LANGUAGES"]:
            session["lang"] = lang
        target = request.referrer
        if not target or not target.startswith(request.host_url):
            target = url_for("main.index")
        return redirect(target)
