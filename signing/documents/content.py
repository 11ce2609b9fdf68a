"""Plain data describing one commitment document (no reportlab, no database).

The application's models fill a :class:`CommitmentContent`; :mod:`signing.documents.render`
turns it into a PDF. Keeping this module free of rendering lets operations, the CLI and tests
build content without importing reportlab.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from signing.dates import day_text

#: Slots of the three parties that sign (and may initial) the commitment.
PARTY_SLOTS: tuple[str, ...] = ("gubernur", "kepala_daerah", "ketua_dprd")
#: Slots of the two witnesses ("Disaksikan oleh").
WITNESS_SLOTS: tuple[str, ...] = ("saksi_wakil_gubernur", "saksi_ketua_dprd_provinsi")
#: Every slot, in the order the fields appear in the document.
ALL_SLOTS: tuple[str, ...] = PARTY_SLOTS + WITNESS_SLOTS

REGION_KINDS: tuple[str, ...] = ("kabupaten", "kota")

HARI = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
BULAN = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)


def signature_field_name(slot: str) -> str:
    """PDF field name of the signature of ``slot``.

    Parties sign in ``ttd_<slot>``; a witness slot is already prefixed ``saksi_`` and is its
    own field name.
    """
    if slot in PARTY_SLOTS:
        return f"ttd_{slot}"
    if slot in WITNESS_SLOTS:
        return slot
    raise ValueError(f"unknown slot: {slot!r}")


def paraf_field_name(slot: str) -> str:
    """PDF field name of the paraf (initials) of party ``slot``."""
    if slot not in PARTY_SLOTS:
        raise ValueError(f"no paraf for slot: {slot!r}")
    return f"paraf_{slot}"


def format_tanggal(date: datetime.date) -> str:
    """``24 Oktober 2019`` (documents are Indonesian: :func:`signing.dates.day_text`)."""
    return day_text(date, "id")


def format_hari_tanggal(date: datetime.date) -> str:
    """``Kamis, 24 Oktober 2019``."""
    return f"{HARI[date.weekday()]}, {format_tanggal(date)}"


@dataclass(frozen=True)
class Party:
    """One official acting in a slot, as printed in the document.

    ``office_title`` is the office in capitals as it appears in the signature block
    ("BUPATI KOTAWARINGIN TIMUR"). When someone stands in for the office holder,
    ``capacity_line`` carries the delegation marker ("Plt.", "Plh.", "a.n.") and
    ``acting_office_title`` the stand-in's own office ("WAKIL BUPATI"); the block then reads
    "Plt. BUPATI KOTAWARINGIN TIMUR," / "WAKIL BUPATI," / name.
    """

    slot: str
    office_title: str
    holder_name: str
    capacity_line: str | None = None
    acting_office_title: str | None = None
    #: Kepala daerah and their deputies sign without NIP; other officials print theirs.
    nip: str | None = None

    def __post_init__(self) -> None:
        if self.slot not in ALL_SLOTS:
            raise ValueError(f"unknown slot: {self.slot!r}")
        if not self.office_title.strip():
            raise ValueError(f"slot {self.slot}: office_title is empty")
        if not self.holder_name.strip():
            raise ValueError(f"slot {self.slot}: holder_name is empty")

    @property
    def represented(self) -> bool:
        """True when someone other than the definitive office holder acts."""
        return bool(self.capacity_line or self.acting_office_title)


DEFAULT_LEGAL_BASES: tuple[str, ...] = (
    "Undang-Undang Nomor 25 Tahun 2007 tentang Penanaman Modal",
    # The demo event is dated October 2019: only regulations in force then are cited (the
    # second amendment of the ITE law, UU 1/2024, came later).
    "Undang-Undang Nomor 11 Tahun 2008 tentang Informasi dan Transaksi Elektronik sebagaimana "
    "telah diubah dengan Undang-Undang Nomor 19 Tahun 2016 tentang Perubahan atas Undang-Undang "
    "Nomor 11 Tahun 2008 tentang Informasi dan Transaksi Elektronik",
    "Undang-Undang Nomor 25 Tahun 2009 tentang Pelayanan Publik",
    "Undang-Undang Nomor 23 Tahun 2014 tentang Pemerintahan Daerah sebagaimana telah beberapa "
    "kali diubah",
    "Peraturan Pemerintah Nomor 71 Tahun 2019 tentang Penyelenggaraan Sistem dan Transaksi "
    "Elektronik",
    "Peraturan Presiden Nomor 97 Tahun 2014 tentang Penyelenggaraan Pelayanan Terpadu Satu Pintu",
    "Peraturan Menteri Dalam Negeri Nomor 138 Tahun 2017 tentang Penyelenggaraan Pelayanan "
    "Terpadu Satu Pintu Daerah",
)

DEFAULT_CONSIDERATIONS: tuple[str, ...] = (
    "bahwa Pelayanan Terpadu Satu Pintu merupakan sarana untuk meningkatkan kualitas pelayanan "
    "publik serta memberikan kemudahan, kecepatan, dan kepastian pelayanan perizinan dan "
    "nonperizinan bagi masyarakat dan pelaku usaha",
    "bahwa perbaikan iklim usaha dan peningkatan investasi di daerah memerlukan pendelegasian "
    "kewenangan perizinan dan nonperizinan secara penuh kepada perangkat daerah penyelenggara "
    "Pelayanan Terpadu Satu Pintu serta pelayanan yang bersih dari pungutan liar dan korupsi",
    "bahwa pembentukan dan penyelenggaraan PTSP Prima memerlukan komitmen dan dukungan bersama "
    "Pemerintah Provinsi, Pemerintah Kabupaten/Kota, dan Dewan Perwakilan Rakyat Daerah",
    "bahwa berdasarkan pertimbangan sebagaimana dimaksud di atas, perlu menyusun Komitmen "
    "Bersama tentang Pembentukan dan Penyelenggaraan Pelayanan Terpadu Satu Pintu (PTSP) Prima",
)

DEFAULT_POINTS: tuple[str, ...] = (
    "mendelegasikan 100% (seratus persen) kewenangan pelayanan perizinan dan nonperizinan kepada "
    "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu (DPMPTSP) yang ditetapkan dengan "
    "produk hukum daerah",
    "menetapkan dan mempublikasikan standar pelayanan, standar operasional prosedur (SOP), dan "
    "maklumat pelayanan",
    "menyelenggarakan pelayanan perizinan dan nonperizinan secara daring (online) yang "
    "dilengkapi penelusuran (tracking) status permohonan",
    "membentuk tim teknis yang berkedudukan di DPMPTSP dengan kewenangan memberikan "
    "rekomendasi teknis",
    "menyediakan sarana dan prasarana pelayanan yang memadai, meliputi ruang front office dan "
    "back office, layanan bantuan (help desk), ruang pengaduan, serta fasilitas bagi penyandang "
    "disabilitas",
    "menyediakan saluran pengaduan masyarakat dan menindaklanjuti setiap pengaduan secara tepat "
    "waktu dengan berkoordinasi bersama Ombudsman Republik Indonesia",
    "melaksanakan survei kepuasan masyarakat secara berkala dan menggunakan hasilnya untuk "
    "perbaikan pelayanan",
    "menindaklanjuti rencana aksi pencegahan korupsi Komisi Pemberantasan Korupsi Republik "
    "Indonesia (Monitoring Center for Prevention) pada area perizinan serta menolak segala "
    "bentuk pungutan liar",
    "memberikan dukungan Dewan Perwakilan Rakyat Daerah terhadap penyelenggaraan PTSP Prima "
    "melalui fungsi pembentukan peraturan daerah, anggaran, dan pengawasan",
    "melaksanakan pembinaan, pemantauan, dan evaluasi oleh Gubernur atas penyelenggaraan PTSP "
    "Prima di Kabupaten/Kota serta melaporkan hasilnya kepada Menteri Dalam Negeri",
)


@dataclass(frozen=True)
class CommitmentContent:
    """Everything printed in one commitment (one Kabupaten/Kota, one event).

    ``region_name`` is the name without its kind ("Kotawaringin Timur"); a name that already
    starts with "Kabupaten "/"Kota " (as in the national data file) is accepted as is.
    """

    province_name: str
    region_name: str
    region_kind: str
    document_number: str
    document_code: str
    event_name: str
    event_date: datetime.date
    event_place: str
    legal_bases: tuple[str, ...]
    considerations: tuple[str, ...]
    points: tuple[str, ...]
    gubernur: Party
    kepala_daerah: Party
    ketua_dprd: Party
    saksi_wakil_gubernur: Party
    saksi_ketua_dprd_provinsi: Party
    verification_url: str
    paraf_slots: tuple[str, ...] = field(default=PARTY_SLOTS)

    def __post_init__(self) -> None:
        if self.region_kind not in REGION_KINDS:
            raise ValueError(f"region_kind must be one of {REGION_KINDS}: {self.region_kind!r}")
        for slot in ALL_SLOTS:
            party = getattr(self, slot)
            if party.slot != slot:
                raise ValueError(f"party in {slot} carries slot {party.slot!r}")
        for slot in self.paraf_slots:
            if slot not in PARTY_SLOTS:
                raise ValueError(f"no paraf for slot: {slot!r}")
        if len(set(self.paraf_slots)) != len(self.paraf_slots):
            raise ValueError("paraf_slots has duplicates")
        if not self.points:
            raise ValueError("a commitment needs at least one point")

    @property
    def region_label(self) -> str:
        """ "Kabupaten Kotawaringin Timur" / "Kota Palangka Raya"."""
        kind = "Kabupaten" if self.region_kind == "kabupaten" else "Kota"
        if self.region_name.startswith(kind + " "):
            return self.region_name
        return f"{kind} {self.region_name}"

    @property
    def parties(self) -> tuple[Party, Party, Party]:
        """The three signing parties in signature-table order."""
        return (self.gubernur, self.kepala_daerah, self.ketua_dprd)

    @property
    def witnesses(self) -> tuple[Party, Party]:
        return (self.saksi_wakil_gubernur, self.saksi_ketua_dprd_provinsi)

    def party(self, slot: str) -> Party:
        if slot not in ALL_SLOTS:
            raise ValueError(f"unknown slot: {slot!r}")
        return getattr(self, slot)

    def field_names(self) -> tuple[str, ...]:
        """Names of every signature field the document carries, in drawing order."""
        return (
            tuple(signature_field_name(s) for s in PARTY_SLOTS)
            + tuple(signature_field_name(s) for s in WITNESS_SLOTS)
            # The paraf table lists parties in signature-table order, whatever order is given.
            + tuple(paraf_field_name(s) for s in PARTY_SLOTS if s in self.paraf_slots)
        )
