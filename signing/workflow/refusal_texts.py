"""The refusal catalogue's data (:mod:`signing.workflow.refusals` reads it): each API code once,
with its refusals' Indonesian msgids (``pybabel extract -k N_``; English in ``messages.po``)."""

from __future__ import annotations

from http import HTTPStatus


def N_(message: str) -> str:
    """Marks a msgid for ``pybabel extract -k N_`` without translating it here."""
    return message


#: Every API error code: its HTTP status, what it means for a client (English: the API contract
#: and its OpenAPI document read it) and its refusals, ``key: N_("Indonesian message")``. An
#: entry answers its code's status unless :data:`STATUS` names another.
TABLE: dict[str, tuple[int, str, dict[str, str]]] = {
    "not_generated": (
        409,
        "The document has not been generated yet.",
        {
            "not_generated": N_("Dokumen belum dibuat; belum ada yang dapat ditandatangani."),
        },
    ),
    "void": (
        409,
        "The commitment was voided; act on its replacement.",
        {
            "void": N_("Dokumen telah dibatalkan; gunakan versi terbaru."),
            "void_because": N_("Dokumen telah dibatalkan (%(reason)s); gunakan versi terbaru."),
            "already_void": N_("Dokumen sudah dibatalkan sebelumnya."),
        },
    ),
    "not_found": (
        404,
        "No such event or commitment, or your token may not read it.",
        {
            "event_not_found": N_("Acara tidak ditemukan."),
            "slot_not_found": N_("Bagian tanda tangan tidak ditemukan pada dokumen ini."),
            "commitment_not_found": N_("Dokumen komitmen tidak ditemukan."),
        },
    ),
    "not_your_slot": (
        403,
        "The slot is not yours (secretariat and admin never act).",
        {
            "staff_do_not_sign": N_(
                "Ini bukan bagian tanda tangan Anda: sekretariat dan administrator tidak "
                "menandatangani untuk siapa pun."
            ),
            "not_your_slot": N_("Ini bukan bagian tanda tangan Anda."),
            "not_your_named_slot": N_("Ini bukan bagian tanda tangan Anda (%(slot)s)."),
        },
    ),
    "wrong_kind": (
        422,
        "This kind of act does not apply to the slot (e.g. witness on a party).",
        {
            "wrong_kind": N_("Tindakan '%(kind)s' tidak berlaku untuk slot %(slot)s."),
            "no_paraf_field": N_("Bagian tanda tangan ini tidak memiliki kolom paraf."),
        },
    ),
    "already_done": (
        409,
        "Already signed/initialled/declined: a repeated submit.",
        {
            "already_signed": N_("Sudah ditandatangani sebelumnya."),
            "already_initialled": N_("Sudah diparaf sebelumnya."),
            "already_declined": N_("Sudah ditolak sebelumnya."),
            "signed_no_paraf": N_("Sudah ditandatangani sebelumnya; paraf tidak diperlukan."),
            "signed_no_decline": N_("Sudah ditandatangani sebelumnya; tidak dapat ditolak."),
            "already_acted": N_("Sudah ditandatangani/diparaf sebelumnya."),
            "mandate_revoked": N_("Mandat sudah dicabut sebelumnya."),
        },
    ),
    "complete": (
        409,
        "The commitment is already complete.",
        {
            "complete": N_("Dokumen sudah lengkap ditandatangani dan disaksikan."),
            "complete_not_voidable": N_(
                "Dokumen yang sudah lengkap ditandatangani tidak dapat dibatalkan."
            ),
        },
    ),
    "declined": (
        409,
        "A party declined; the secretariat must void and reissue it.",
        {
            "declined": N_(
                "Dokumen telah ditolak oleh %(slot)s; sekretariat perlu membatalkan dan "
                "menerbitkan versi baru."
            ),
        },
    ),
    "not_your_turn": (
        409,
        "The routing order waits for other slots first; details.waiting_for names them.",
        {
            "not_your_turn": N_("Belum giliran Anda: menunggu %(names)s."),
            "remind_done": N_(
                "Tidak ada yang perlu diingatkan: bagian tanda tangan ini sudah selesai "
                "(%(state)s)."
            ),
            "remind_not_yet": N_(
                "Tidak ada yang perlu diingatkan: belum giliran bagian tanda tangan ini "
                "(%(state)s)."
            ),
        },
    ),
    "reason_required": (
        422,
        "A decline needs a reason.",
        {
            "reason_required": N_("Penolakan memerlukan alasan."),
            "void_reason_required": N_("Pembatalan memerlukan alasan."),
        },
    ),
    "one_role": (
        409,
        "One person, one role per commitment: the official already acted on another slot of it "
        "(nobody witnesses their own act or fills two slots).",
        {
            "own_act": N_(
                "Anda tidak dapat menyaksikan tindakan Anda sendiri (%(act)s): satu orang hanya "
                "berperan satu kali pada satu komitmen."
            ),
            "one_role": N_(
                "Anda sudah bertindak pada komitmen ini (%(act)s): satu orang hanya berperan satu "
                "kali pada satu komitmen, sehingga bagian %(slot)s harus diisi orang lain."
            ),
        },
    ),
    "no_mandate": (
        403,
        "No recorded Plt./Plh./a.n. mandate valid today for this slot; a deputy without one may "
        "only paraf as stand_in.",
        {
            "no_such_mandate": N_(
                "Tidak ada mandat %(mandate)s yang tercatat dan berlaku untuk Anda pada bagian "
                "tanda tangan ini."
            ),
            "paraf_only": N_(
                "Tanpa mandat (Plt./Plh./a.n.) yang tercatat, Anda hanya dapat memaraf."
            ),
        },
    ),
    "bad_attestation": (
        422,
        "attests_act_id is not a signature or paraf of this commitment.",
        {
            "bad_attestation": N_(
                "Tindakan yang disaksikan harus berupa tanda tangan atau paraf pada dokumen ini."
            ),
        },
    ),
    "conflict": (
        409,
        "A concurrent change won; reload and retry.",
        {
            "conflict": N_(
                "Dokumen baru saja diubah oleh orang lain; silakan muat ulang dan coba lagi."
            ),
        },
    ),
    "signing_failed": (
        500,
        "The signature could not be made.",
        {
            "signing_failed": N_("%(detail)s"),
            "key_mismatch": N_(
                "Kunci tersimpan tidak cocok dengan sertifikatnya; hubungi administrator."
            ),
        },
    ),
    "wrong_passphrase": (
        422,
        "Wrong signing passphrase; the message says how many tries remain.",
        {
            "wrong_passphrase": N_("Frasa sandi penandatanganan salah."),
            "wrong_passphrase_remaining": N_(
                "Frasa sandi penandatanganan salah. Sisa percobaan: %(remaining)s."
            ),
            "wrong_passphrase_locked": N_(
                "Frasa sandi penandatanganan salah. Terlalu banyak percobaan: penandatanganan Anda "
                "diblokir selama %(minutes)s menit."
            ),
            "key_file_damaged": N_("Berkas kunci rusak atau bukan kunci terenkripsi."),
            "key_type_unsupported": N_("Jenis kunci di dalam berkas tidak didukung."),
        },
    ),
    "locked": (
        429,
        "Too many wrong passphrases: the official's key is locked for a while (Retry-After).",
        {
            "locked": N_(
                "Terlalu banyak percobaan frasa sandi yang salah. Coba lagi dalam %(minutes)s "
                "menit (pukul %(time)s WIB)."
            ),
        },
    ),
    "not_enrolled": (
        409,
        "The official has not enrolled a signing key.",
        {
            "not_enrolled": N_("Anda belum mendaftarkan kunci tanda tangan."),
        },
    ),
    "certificate_not_usable": (
        409,
        "The signing certificate is revoked or expired.",
        {
            "certificate_not_yet_valid": N_("Sertifikat belum berlaku."),
            "certificate_expired": N_("Sertifikat kedaluwarsa sejak %(date)s."),
            "certificate_revoked_at": N_("Sertifikat telah dicabut pada %(when)s UTC."),
            "certificate_revoked": N_(
                "Sertifikat tanda tangan Anda telah dicabut. Daftarkan kunci baru sebelum "
                "menandatangani."
            ),
            "certificate_foreign": N_(
                "Sertifikat tanda tangan Anda tidak diterbitkan oleh CA aplikasi ini; hubungi "
                "administrator."
            ),
            "certificate_unvalidated": N_(
                "Sertifikat penanda tangan tidak dapat divalidasi (dicabut, kedaluwarsa atau bukan "
                "dari CA aplikasi)."
            ),
        },
    ),
    "passphrase_rejected": (
        422,
        "The new signing passphrase is not acceptable.",
        {
            "passphrase_too_short": N_("Frasa sandi penandatanganan minimal %(length)s karakter."),
            "passphrase_is_password": N_(
                "Frasa sandi penandatanganan harus berbeda dari kata sandi masuk."
            ),
            "not_an_official": N_(
                "Akun '%(username)s' tidak memegang jabatan; kunci tanda tangan hanya untuk "
                "pejabat."
            ),
        },
    ),
    "ca_missing": (
        503,
        "The application's CA has not been created.",
        {
            "ca_missing": N_(
                "CA aplikasi belum dibuat di %(certs_dir)s. Jalankan: signing ca init (atau "
                "signing demo)."
            ),
        },
    ),
    "specimen_rejected": (
        422,
        "The signature specimen image is not acceptable.",
        {
            "specimen_empty": N_("Berkas kosong: pilih gambar PNG atau JPEG."),
            "specimen_too_large": N_("Berkas terlalu besar (%(size)s MB); batasnya 1 MB."),
            "specimen_unreadable": N_("Berkas bukan gambar PNG atau JPEG yang dapat dibaca."),
            "specimen_format": N_("Format %(format)s tidak diterima: gunakan PNG atau JPEG."),
            "specimen_too_small_px": N_(
                "Gambar terlalu kecil (%(size)s piksel); paling kecil %(limit)s piksel."
            ),
            "specimen_too_large_px": N_(
                "Gambar terlalu besar (%(size)s piksel); paling besar %(limit)s piksel."
            ),
            "specimen_damaged": N_("Gambar rusak atau terpotong; unggah ulang berkasnya."),
            "specimen_blank": N_(
                "Gambar tidak memuat goresan yang terlihat (seluruhnya putih atau transparan)."
            ),
        },
    ),
    "no_choice": (
        422,
        "No act was chosen.",
        {
            "no_choice": N_("Pilih tindakan: tanda tangan, paraf, saksi atau tolak."),
        },
    ),
    "passphrase_required": (
        422,
        "The signing passphrase is missing.",
        {
            "passphrase_required": N_("Masukkan frasa sandi penandatanganan Anda."),
        },
    ),
    "not_confirmed": (
        422,
        "The confirmation was not ticked.",
        {
            "not_confirmed": N_(
                "Centang pernyataan bahwa Anda telah membaca dokumen dan menyetujui tindakan ini."
            ),
        },
    ),
    "invalid_body": (
        422,
        "The JSON body does not match the schema; details.problems lists why.",
        {
            "invalid_body": N_("Isi permintaan tidak valid: %(problems)s."),
        },
    ),
    "forbidden": (
        403,
        "Only the secretariat may do this.",
        {
            "forbidden_remind": N_("Hanya sekretariat yang dapat mengirim pengingat."),
            "forbidden_mandate": N_("Hanya sekretariat yang dapat mencatat mandat."),
            "forbidden_revoke": N_("Hanya sekretariat yang dapat mencabut mandat."),
            "forbidden_void": N_("Hanya sekretariat yang dapat membatalkan dokumen."),
        },
    ),
    "invalid_mandate": (
        422,
        "The mandate cannot be recorded.",
        {
            "invalid_mandate": N_("Mandat tidak dapat dicatat: %(problems)s."),
        },
    ),
    "desk_refused": (
        409,
        "The signing desk refuses the request.",
        {
            "desk_closed": N_("Meja Tanda Tangan belum dibuka di perangkat ini."),
            "desk_event_missing": N_("Acara meja ini tidak ditemukan."),
            "desk_document_missing": N_("Dokumen tidak ditemukan."),
            "desk_official_inactive": N_("Akun pejabat ini tidak dapat bertindak."),
            "desk_document_elsewhere": N_("Dokumen ini bukan bagian dari acara meja ini."),
        },
    ),
    "grant_expired": (
        401,
        "The desk authorisation expired.",
        {
            "grant_expired": N_(
                "Waktu Anda di meja ini habis demi keamanan. Silakan masuk kembali."
            ),
        },
    ),
    "grant_invalid": (
        401,
        "The desk authorisation is not valid.",
        {
            "grant_invalid": N_("Otorisasi meja tidak sah. Silakan masuk kembali."),
        },
    ),
    "grant_stale": (
        401,
        "The desk went back to its start page.",
        {
            "grant_stale": N_(
                "Otorisasi ini sudah tidak berlaku: meja telah kembali ke halaman awal. Silakan "
                "masuk kembali."
            ),
        },
    ),
    "grant_used": (
        409,
        "The desk authorisation was already used for one act.",
        {
            "grant_used": N_(
                "Otorisasi ini sudah dipakai untuk satu tindakan. Pejabat berikutnya silakan masuk."
            ),
        },
    ),
    "login_stale": (
        409,
        "The desk login form expired.",
        {
            "login_stale": N_("Formulir masuk ini sudah kedaluwarsa. Silakan masuk kembali."),
        },
    ),
    "missing_token": (
        401,
        "No 'Authorization: Bearer <token>' header.",
        {
            "missing_token": N_(
                "Token API diperlukan: kirim header 'Authorization: Bearer <token>'."
            ),
        },
    ),
    "invalid_token": (
        401,
        "Unknown or malformed token, or its account is inactive.",
        {
            "invalid_token": N_("Token API tidak dikenal."),
            "token_owner_inactive": N_("Akun pemilik token ini nonaktif."),
        },
    ),
    "revoked_token": (
        401,
        "The token was revoked (signing users token revoke).",
        {
            "revoked_token": N_("Token API ini sudah dicabut."),
        },
    ),
    "unknown_slot": (
        404,
        "The slot in the path is not one of the five slot roles.",
        {
            "unknown_slot": N_("Slot tidak dikenal. Pilihan: %(roles)s."),
        },
    ),
    "no_document": (
        404,
        "The commitment's PDF has not been generated yet.",
        {
            "no_document": N_("Dokumen belum dibuat."),
        },
    ),
    "revision_not_found": (
        404,
        "No revision of this commitment has that SHA-256.",
        {
            "revision_not_found": N_("Revisi tersebut bukan milik dokumen ini."),
        },
    ),
    "http_404": (
        404,
        "The path matches no endpoint (e.g. a non-numeric id).",
        {"http_404": N_("Halaman tidak ditemukan")},
    ),
    "too_large": (
        413,
        "The request body is larger than allowed.",
        {
            "too_large": N_("Isi permintaan terlalu besar (batas %(limit)s bita)."),
        },
    ),
    "unsupported_media_type": (
        415,
        "Send application/pdf or multipart/form-data.",
        {
            "unsupported_media_type": N_(
                "Kirim PDF sebagai isi permintaan (application/pdf) atau multipart/form-data."
            ),
        },
    ),
    "invalid_parameter": (
        422,
        "A query parameter has an invalid value.",
        {
            "invalid_parameter": N_("Parameter tidak valid: %(problems)s."),
        },
    ),
    "no_file": (
        422,
        "The multipart body has no 'file' field.",
        {
            "no_file": N_("Kirim berkas PDF pada kolom 'file'."),
        },
    ),
    "rate_limited": (
        429,
        "Too many requests with this token (API_LIMIT_PER_TOKEN), or with unknown tokens from this "
        "address (API_LIMIT_BAD_TOKEN_PER_IP).",
        {
            "rate_limited": N_(
                "Terlalu banyak permintaan dengan token ini (atau dengan token tak dikenal dari "
                "alamat ini). Tunggu sebentar lalu coba lagi."
            ),
            "address_busy": N_(
                "Pemeriksaan berkas lain dari alamat Anda masih berjalan. Tunggu hasilnya, lalu "
                "coba lagi."
            ),
        },
    ),
    "storage_error": (500, "A stored PDF does not match its hash.", {}),
    "http_500": (
        500,
        "Unexpected server error.",
        {"http_500": N_("Terjadi kesalahan pada server")},
    ),
    "busy": (
        503,
        "Every verification slot is busy; retry after Retry-After seconds.",
        {
            "busy": N_("Layanan pemeriksaan sedang sibuk. Coba lagi sebentar lagi."),
        },
    ),
    "not_migrated": (503, "The database schema is not up to date (signing db upgrade).", {}),
    "database_unavailable": (
        503,
        "The database cannot be reached (down or restarting); retry after Retry-After seconds.",
        {},
    ),
    "invalid_event": (
        422,
        "The event cannot be created or changed as asked.",
        {
            "event_order_missing": N_("%(role)s: isi nomor urut/kelompok (1-3)."),
            "event_order_range": N_("%(role)s: nomor harus 1 sampai 3."),
            "event_order_distinct": N_("Urutan berurutan: tiap pihak harus punya nomor berbeda."),
            "routing_invalid": N_("%(detail)s"),
            "event_date_invalid": N_("Tanggal '%(text)s' tidak sah (format TTTT-BB-HH)."),
            "event_name_required": N_("Nama acara wajib diisi."),
            "event_name_too_long": N_("Nama acara terlalu panjang (maksimal 300 karakter)."),
            "event_place_required": N_("Tempat wajib diisi."),
            "event_place_too_long": N_("Tempat terlalu panjang (maksimal 200 karakter)."),
            "event_province_unknown": N_("Provinsi '%(code)s' tidak dikenal."),
            "event_prefix_too_long": N_("Awalan nomor terlalu panjang (maksimal 100 karakter)."),
        },
    ),
    "event_locked": (
        409,
        "Someone has acted on the event's documents: it cannot change.",
        {
            "routing_locked": N_(
                "Urutan tidak dapat diubah: sudah ada tindakan pada komitmen acara ini."
            ),
            "event_text_locked": N_(
                "Teks acara tidak dapat diubah: sudah ada tindakan pada dokumen %(documents)s. "
                "Batalkan (void) dokumen tersebut dan terbitkan versi baru bila teksnya harus "
                "berubah."
            ),
        },
    ),
    "invalid_mcp": (
        422,
        "MCP scores or band schemes that cannot be recorded as given.",
        {
            "mcp_region_unknown": N_("Kode wilayah '%(code)s' tidak dikenal."),
            "mcp_labelled": N_("%(label)s: %(problem)s."),
            "mcp_percent_required": N_("Isi paling sedikit satu persentase."),
            "mcp_not_utf8": N_("Berkas bukan teks UTF-8 (posisi byte %(position)s)."),
            "mcp_file_empty": N_("Berkas kosong."),
            "mcp_columns_missing": N_(
                "Baris 1: kolom %(missing)s tidak ada. Kepala tabel yang diharapkan: %(expected)s"
            ),
            "mcp_row_too_long": N_("Baris %(line)s: jumlah kolom melebihi kepala tabel."),
            "mcp_row_region_unknown": N_("Baris %(line)s: kode wilayah '%(code)s' tidak dikenal."),
            "mcp_row_problem": N_("Baris %(line)s: %(problem)s."),
            "mcp_row_labelled": N_("Baris %(line)s: %(label)s %(problem)s."),
            "mcp_row_empty": N_(
                "Baris %(line)s: ptsp dan pendelegasian kosong; isi paling sedikit satu."
            ),
            "mcp_row_duplicate": N_(
                "Baris %(line)s: %(code)s periode %(period)s sudah ada di baris %(first)s."
            ),
            "mcp_no_rows": N_("Berkas tidak berisi baris data."),
            "band_line_format": N_(
                "Baris %(line)s: tulis '<batas bawah> <nama zona> <#warna>', mis. '78 Terjaga "
                "#2e7d32'."
            ),
            "band_over_100": N_("Baris %(line)s: batas bawah %(minimum)s melebihi 100."),
            "bands_none": N_("Skema tanpa zona: isi paling sedikit satu baris."),
            "bands_same_minimum": N_("Dua zona memiliki batas bawah yang sama."),
            "bands_not_from_zero": N_("Zona terendah harus dimulai dari 0."),
            "scheme_name_required": N_("Nama skema wajib diisi."),
            "scheme_period_invalid": N_("Periode '%(period)s' tidak sah (mis. 2024 atau 2024-01)."),
        },
    ),
    "generation_refused": (
        409,
        "The commitment's or event's state forbids (re)generating it.",
        {
            "number_taken": N_(
                "%(region)s: nomor dokumen %(number)s sudah dipakai dokumen lain; ubah awalan "
                "nomor acara."
            ),
            "region_elsewhere": N_("%(region)s bukan wilayah provinsi acara ini."),
            "commitment_exists": N_(
                "%(region)s: dokumen %(number)s sudah ada. Buat ulang (regenerate) bila belum ada "
                "tindakan, atau batalkan (void) lalu terbitkan versi baru."
            ),
            "not_voided": N_("Dokumen %(number)s belum dibatalkan; versi baru hanya setelah void."),
            "replaced": N_("Dokumen %(number)s sudah diganti oleh %(newer)s."),
            "regenerate_void": N_("Dokumen %(number)s sudah dibatalkan (void)."),
            "regenerate_acted": N_(
                "Dokumen %(number)s tidak dapat dibuat ulang: sudah ada tindakan; batalkan (void) "
                "dan terbitkan versi baru."
            ),
            "region_code_unknown": N_("Wilayah dengan kode %(code)s tidak ditemukan."),
            "event_text_not_text": N_("%(name)s: setiap butir harus berupa teks."),
            "event_text_empty": N_("%(name)s tidak boleh kosong."),
        },
    ),
}

#: The other HTTP errors the API answers in its own shape, ``http_<status>``: the pages' words.
HTTP_ERRORS: dict[int, str] = {
    400: N_("Permintaan tidak valid"),
    401: N_("Perlu masuk terlebih dahulu"),
    403: N_("Anda tidak berhak membuka halaman ini"),
    405: N_("Metode tidak diizinkan"),
    409: N_("Konflik: tindakan sudah dilakukan atau bukan giliran"),
    413: N_("Berkas terlalu besar"),
    422: N_("Data tidak dapat diproses"),
    429: N_("Terlalu banyak percobaan. Tunggu sebentar lalu coba lagi."),
    503: N_("Layanan belum siap"),
}
TABLE.update(
    {
        f"http_{status}": (status, HTTPStatus(status).phrase + ".", {f"http_{status}": message})
        for status, message in HTTP_ERRORS.items()
    }
)
