"""Refusals of an act, in the reader's language.

The workflow and PKI layers raise :class:`~signing.workflow.rules.WorkflowRefused` with a stable
``code`` and an Indonesian ``message``; the message is also what the audit log keeps, so it is
not translated there. The web layer translates it here, when it is shown: a fixed message by its
own text (the msgid), a message that carries values by a pattern whose groups fill the English
placeholders. A message this module does not know (free text from a lower layer) is shown as the
engine wrote it. In Indonesian the engine's message is returned unchanged.
"""

from __future__ import annotations

import re
from typing import Any

from flask_babel import get_locale, gettext

#: Messages without values, by refusal code. Each is its own msgid in the catalogue.
FIXED: dict[str, tuple[str, ...]] = {
    "specimen_rejected": (
        "Berkas kosong: pilih gambar PNG atau JPEG.",
        "Berkas bukan gambar PNG atau JPEG yang dapat dibaca.",
        "Gambar rusak atau terpotong; unggah ulang berkasnya.",
        "Gambar tidak memuat goresan yang terlihat (seluruhnya putih atau transparan).",
    ),
    "not_found": (
        "Bagian tanda tangan tidak ditemukan pada dokumen ini.",
        "Dokumen komitmen tidak ditemukan.",
    ),
    "not_generated": ("Dokumen belum dibuat; belum ada yang dapat ditandatangani.",),
    "void": (
        "Dokumen telah dibatalkan; gunakan versi terbaru.",
        "Dokumen sudah dibatalkan sebelumnya.",
    ),
    "not_your_slot": (
        "Ini bukan bagian tanda tangan Anda: sekretariat dan administrator tidak "
        "menandatangani untuk siapa pun.",
        "Ini bukan bagian tanda tangan Anda.",
    ),
    "wrong_kind": ("Bagian tanda tangan ini tidak memiliki kolom paraf.",),
    "already_done": (
        "Sudah ditandatangani sebelumnya.",
        "Sudah diparaf sebelumnya.",
        "Sudah ditolak sebelumnya.",
        "Sudah ditandatangani sebelumnya; paraf tidak diperlukan.",
        "Sudah ditandatangani sebelumnya; tidak dapat ditolak.",
        "Sudah ditandatangani/diparaf sebelumnya.",
        "Mandat sudah dicabut sebelumnya.",
    ),
    "complete": (
        "Dokumen sudah lengkap ditandatangani dan disaksikan.",
        "Dokumen yang sudah lengkap ditandatangani tidak dapat dibatalkan.",
    ),
    "reason_required": ("Penolakan memerlukan alasan.", "Pembatalan memerlukan alasan."),
    "no_mandate": ("Tanpa mandat (Plt./Plh./a.n.) yang tercatat, Anda hanya dapat memaraf.",),
    "bad_attestation": (
        "Tindakan yang disaksikan harus berupa tanda tangan atau paraf pada dokumen ini.",
    ),
    "conflict": ("Dokumen baru saja diubah oleh orang lain; silakan muat ulang dan coba lagi.",),
    "signing_failed": (
        "Dokumen tersimpan tidak cocok dengan hash-nya.",
        "Kunci tersimpan tidak cocok dengan sertifikatnya; hubungi administrator.",
    ),
    "wrong_passphrase": (
        "Frasa sandi penandatanganan salah.",
        "Berkas kunci rusak atau bukan kunci terenkripsi.",
        "Jenis kunci di dalam berkas tidak didukung.",
    ),
    "not_enrolled": ("Anda belum mendaftarkan kunci tanda tangan.",),
    "certificate_not_usable": (
        "Sertifikat belum berlaku.",
        "Sertifikat tanda tangan Anda telah dicabut. Daftarkan kunci baru sebelum menandatangani.",
        "Sertifikat tanda tangan Anda tidak diterbitkan oleh CA aplikasi ini; "
        "hubungi administrator.",
    ),
    # Refusals of the web forms themselves (signing.web.inbox.ActForm).
    "no_choice": ("Pilih tindakan: tanda tangan, paraf, saksi atau tolak.",),
    "passphrase_required": ("Masukkan frasa sandi penandatanganan Anda.",),
    "not_confirmed": (
        "Centang pernyataan bahwa Anda telah membaca dokumen dan menyetujui tindakan ini.",
    ),
    "forbidden": (
        "Hanya sekretariat yang dapat mengirim pengingat.",
        "Hanya sekretariat yang dapat mencatat mandat.",
        "Hanya sekretariat yang dapat mencabut mandat.",
        "Hanya sekretariat yang dapat membatalkan dokumen.",
    ),
    # Refusals of the signing desk (signing.web.desk.DeskRefused).
    "desk_refused": (
        "Meja Tanda Tangan belum dibuka di perangkat ini.",
        "Acara meja ini tidak ditemukan.",
        "Akun pejabat ini tidak dapat bertindak.",
        "Dokumen tidak ditemukan.",
        "Dokumen ini bukan bagian dari acara meja ini.",
    ),
    "grant_expired": ("Waktu Anda di meja ini habis demi keamanan. Silakan masuk kembali.",),
    "grant_invalid": ("Otorisasi meja tidak sah. Silakan masuk kembali.",),
    "grant_stale": (
        "Otorisasi ini sudah tidak berlaku: meja telah kembali ke halaman awal. "
        "Silakan masuk kembali.",
    ),
    "grant_used": (
        "Otorisasi ini sudah dipakai untuk satu tindakan. Pejabat berikutnya silakan masuk.",
    ),
    "login_stale": ("Formulir masuk ini sudah kedaluwarsa. Silakan masuk kembali.",),
    # A new passphrase refused by signing.pki.service (enrolment, change of passphrase).
    "passphrase_rejected": ("Frasa sandi penandatanganan harus berbeda dari kata sandi masuk.",),
}

#: Messages with values: (code, pattern of the Indonesian message, msgid with placeholders).
#: The msgid is the Indonesian message with each value replaced by its named placeholder.
PATTERNS: tuple[tuple[str, re.Pattern[str], str], ...] = (
    (
        "specimen_rejected",
        re.compile(r"Berkas terlalu besar \((?P<size>[\d.]+) MB\); batasnya 1 MB\."),
        "Berkas terlalu besar (%(size)s MB); batasnya 1 MB.",
    ),
    (
        "specimen_rejected",
        re.compile(r"Format (?P<format>\S+) tidak diterima: gunakan PNG atau JPEG\."),
        "Format %(format)s tidak diterima: gunakan PNG atau JPEG.",
    ),
    (
        "specimen_rejected",
        re.compile(
            r"Gambar terlalu kecil \((?P<size>\d+x\d+) piksel\); paling kecil "
            r"(?P<limit>\d+x\d+) piksel\."
        ),
        "Gambar terlalu kecil (%(size)s piksel); paling kecil %(limit)s piksel.",
    ),
    (
        "specimen_rejected",
        re.compile(
            r"Gambar terlalu besar \((?P<size>\d+x\d+) piksel\); paling besar "
            r"(?P<limit>\d+x\d+) piksel\."
        ),
        "Gambar terlalu besar (%(size)s piksel); paling besar %(limit)s piksel.",
    ),
    (
        "void",
        re.compile(r"Dokumen telah dibatalkan \((?P<reason>.*)\); gunakan versi terbaru\."),
        "Dokumen telah dibatalkan (%(reason)s); gunakan versi terbaru.",
    ),
    (
        "not_your_slot",
        re.compile(r"Ini bukan bagian tanda tangan Anda \((?P<slot>.*)\)\."),
        "Ini bukan bagian tanda tangan Anda (%(slot)s).",
    ),
    (
        "declined",
        re.compile(
            r"Dokumen telah ditolak oleh (?P<slot>.*); "
            r"sekretariat perlu membatalkan dan menerbitkan versi baru\."
        ),
        "Dokumen telah ditolak oleh %(slot)s; sekretariat perlu membatalkan dan menerbitkan "
        "versi baru.",
    ),
    (
        "not_your_turn",
        re.compile(r"Belum giliran Anda: menunggu (?P<names>.*)\."),
        "Belum giliran Anda: menunggu %(names)s.",
    ),
    (
        "one_role",
        re.compile(
            r"Anda tidak dapat menyaksikan tindakan Anda sendiri \((?P<act>.*)\): satu orang "
            r"hanya berperan satu kali pada satu komitmen\."
        ),
        "Anda tidak dapat menyaksikan tindakan Anda sendiri (%(act)s): satu orang hanya "
        "berperan satu kali pada satu komitmen.",
    ),
    (
        "one_role",
        re.compile(
            r"Anda sudah bertindak pada komitmen ini \((?P<act>.*)\): satu orang hanya "
            r"berperan satu kali pada satu komitmen, sehingga bagian (?P<slot>.*) harus diisi "
            r"orang lain\."
        ),
        "Anda sudah bertindak pada komitmen ini (%(act)s): satu orang hanya berperan satu kali "
        "pada satu komitmen, sehingga bagian %(slot)s harus diisi orang lain.",
    ),
    (
        "no_mandate",
        re.compile(
            r"Tidak ada mandat (?P<mandate>.*) yang tercatat dan berlaku untuk Anda pada "
            r"bagian tanda tangan ini\."
        ),
        "Tidak ada mandat %(mandate)s yang tercatat dan berlaku untuk Anda pada bagian tanda "
        "tangan ini.",
    ),
    (
        "locked",
        re.compile(
            r"Terlalu banyak percobaan frasa sandi yang salah\. "
            r"Coba lagi dalam (?P<minutes>\d+) menit \(pukul (?P<time>\d\d:\d\d) WIB\)\."
        ),
        "Terlalu banyak percobaan frasa sandi yang salah. Coba lagi dalam %(minutes)s menit "
        "(pukul %(time)s WIB).",
    ),
    (
        "certificate_not_usable",
        re.compile(r"Sertifikat kedaluwarsa sejak (?P<date>[\d-]+)\."),
        "Sertifikat kedaluwarsa sejak %(date)s.",
    ),
    (
        "certificate_not_usable",
        re.compile(r"Sertifikat telah dicabut pada (?P<when>[\d: -]+) UTC\."),
        "Sertifikat telah dicabut pada %(when)s UTC.",
    ),
    (
        "wrong_passphrase",
        re.compile(r"Frasa sandi penandatanganan salah\. Sisa percobaan: (?P<remaining>\d+)\."),
        "Frasa sandi penandatanganan salah. Sisa percobaan: %(remaining)s.",
    ),
    (
        "wrong_passphrase",
        re.compile(
            r"Frasa sandi penandatanganan salah\. Terlalu banyak percobaan: penandatanganan "
            r"Anda diblokir selama (?P<minutes>\d+) menit\."
        ),
        "Frasa sandi penandatanganan salah. Terlalu banyak percobaan: penandatanganan Anda "
        "diblokir selama %(minutes)s menit.",
    ),
    (
        "passphrase_rejected",
        re.compile(
            r"Akun '(?P<username>.*)' tidak memegang jabatan; kunci tanda tangan hanya untuk "
            r"pejabat\."
        ),
        "Akun '%(username)s' tidak memegang jabatan; kunci tanda tangan hanya untuk pejabat.",
    ),
    (
        "not_your_turn",
        re.compile(
            r"Tidak ada yang perlu diingatkan: bagian tanda tangan ini sudah selesai "
            r"\((?P<state>.*)\)\."
        ),
        "Tidak ada yang perlu diingatkan: bagian tanda tangan ini sudah selesai (%(state)s).",
    ),
    (
        "not_your_turn",
        re.compile(
            r"Tidak ada yang perlu diingatkan: belum giliran bagian tanda tangan ini "
            r"\((?P<state>.*)\)\."
        ),
        "Tidak ada yang perlu diingatkan: belum giliran bagian tanda tangan ini (%(state)s).",
    ),
    (
        "passphrase_rejected",
        re.compile(r"Frasa sandi penandatanganan minimal (?P<length>\d+) karakter\."),
        "Frasa sandi penandatanganan minimal %(length)s karakter.",
    ),
)

# The joiners "atau"/"dan" inside a list of slot names ("menunggu A, B dan C").
_JOINER = re.compile(r" (atau|dan) (?=[^,]*$)")


def _english() -> bool:
    locale = get_locale()
    return locale is not None and locale.language != "id"


def translate_refusal(code: str | None, message: str) -> str:
    """``message`` of a refusal with ``code`` in the current locale (unchanged in Indonesian)."""
    if not message or not _english():
        return message
    for fixed in FIXED.get(code or "", ()):
        if message == fixed:
            return gettext(fixed)
    for pattern_code, pattern, msgid in PATTERNS:
        if pattern_code != code:
            continue
        found = pattern.fullmatch(message)
        if found is None:
            continue
        values: dict[str, Any] = found.groupdict()
        if "state" in values:  # a slot state's label, itself a msgid
            values["state"] = gettext(values["state"])
        if "names" in values:
            values["names"] = _JOINER.sub(
                lambda m: " " + (gettext("atau") if m.group(1) == "atau" else gettext("dan")) + " ",
                values["names"],
            )
        return gettext(msgid, **values)
    return message


def refusal_text(refused: Any) -> str:
    """The text to show for a :class:`WorkflowRefused` (or anything with code and message)."""
    return translate_refusal(getattr(refused, "code", None), getattr(refused, "message", ""))
