"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-29 11:02:37.873452
"""

from __future__ import annotations

from signing.migrations.helpers import (
    binary,
    boolean,
    date,
    enum,
    integer,
    json,
    moment,
    numeric,
    string,
    table,
    table_steps,
    text,
)

revision = "0001"
down_revision = None

BAND_SCHEMES = table(
    "band_schemes",
    string("name", 100),
    string("valid_from_period", 20),
    json("bands"),
    json("details"),
)

BLOBS = table(
    "blobs",
    string("sha256", 64),
    integer("size"),
    binary("data", nullable=True),
    moment("created_at"),
    primary_key="sha256",
)

PROVINCES = table(
    "provinces",
    string("code", 2),
    string("name", 120),
    primary_key="code",
)

USERS = table(
    "users",
    string("username", 80),
    string("display_name", 200),
    string("email", 200, nullable=True),
    string("password_hash", 255),
    enum("role", "role", "ADMIN SECRETARIAT OFFICIAL", 20),
    boolean("active"),
    string("locale", 5, nullable=True),
    boolean("is_demo"),
    moment("created_at"),
    moment("last_login_at", nullable=True),
    unique=["username"],
)

API_TOKENS = table(
    "api_tokens",
    integer("user_id"),
    string("name", 100),
    string("token_hash", 64),
    moment("created_at"),
    moment("last_used_at", nullable=True),
    moment("revoked_at", nullable=True),
    references={"user_id": "users.id"},
    unique=["token_hash"],
    indexes=["user_id"],
)

AUTH_SESSIONS = table(
    "auth_sessions",
    string("id", 64),
    integer("user_id"),
    moment("created_at"),
    moment("revoked_at", nullable=True),
    string("ip", 64, nullable=True),
    string("user_agent", 300, nullable=True),
    references={"user_id": "users.id"},
    indexes=["user_id"],
)

EVENTS = table(
    "events",
    string("name", 300),
    date("date"),
    string("place", 200),
    string("province_code", 2),
    json("routing_policy"),
    json("legal_bases"),
    json("considerations"),
    json("points"),
    string("number_prefix", 100),
    boolean("is_demo"),
    moment("created_at"),
    integer("created_by_id", nullable=True),
    references={"created_by_id": "users.id", "province_code": "provinces.code"},
    indexes=["province_code"],
)

REGIONS = table(
    "regions",
    string("province_code", 2),
    string("kemendagri_code", 5),
    string("bps_code", 4, nullable=True),
    string("name", 120),
    string("kind", 10),
    string("capital", 120, nullable=True),
    references={"province_code": "provinces.code"},
    unique=["kemendagri_code"],
    indexes=["province_code"],
)

SIGNING_CERTIFICATES = table(
    "signing_certificates",
    integer("user_id"),
    string("serial", 64),
    string("subject", 500),
    text("certificate_pem"),
    binary("encrypted_key", nullable=True),
    string("key_kind", 20),
    enum("status", "certificatestatus", "ACTIVE REVOKED SUPERSEDED", 20),
    moment("not_before"),
    moment("not_after"),
    moment("created_at"),
    moment("revoked_at", nullable=True),
    string("revocation_reason", 100, nullable=True),
    references={"user_id": "users.id"},
    unique=["serial"],
    indexes=["user_id"],
)

COMMITMENTS = table(
    "commitments",
    integer("event_id"),
    integer("region_id"),
    integer("version"),
    string("number", 120),
    string("code", 40),
    string("current_sha256", 64, nullable=True),
    moment("generated_at", nullable=True),
    moment("completed_at", nullable=True),
    moment("voided_at", nullable=True),
    text("void_reason", nullable=True),
    integer("voided_by_id", nullable=True),
    integer("replaces_id", nullable=True),
    moment("created_at"),
    integer("lock_version"),
    references={
        "event_id": "events.id",
        "region_id": "regions.id",
        "replaces_id": "commitments.id",
        "voided_by_id": "users.id",
    },
    unique=["code", "event_id region_id version", "number"],
    indexes=["event_id", "region_id"],
)

MCP_SCORES = table(
    "mcp_scores",
    string("province_code", 2),
    integer("region_id", nullable=True),
    string("period", 20),
    numeric("ptsp_percent", 5, 2, nullable=True),
    numeric("delegation_percent", 5, 2, nullable=True),
    moment("created_at"),
    integer("created_by_id", nullable=True),
    references={
        "created_by_id": "users.id",
        "province_code": "provinces.code",
        "region_id": "regions.id",
    },
    unique=["province_code region_id period"],
    indexes=["province_code", "region_id"],
)

OFFICES = table(
    "offices",
    enum(
        "kind",
        "officekind",
        "GUBERNUR WAKIL_GUBERNUR KETUA_DPRD_PROVINSI BUPATI WAKIL_BUPATI WALIKOTA "
        "WAKIL_WALIKOTA KETUA_DPRD WAKIL_KETUA_DPRD",
        30,
    ),
    string("province_code", 2),
    integer("region_id", nullable=True),
    string("title", 200),
    references={"province_code": "provinces.code", "region_id": "regions.id"},
    unique=["kind province_code region_id"],
    indexes=["province_code", "region_id"],
)

AUDIT_ENTRIES = table(
    "audit_entries",
    moment("created_at"),
    string("action", 60),
    integer("actor_user_id", nullable=True),
    string("actor_name", 200, nullable=True),
    string("actor_office", 200, nullable=True),
    string("ip", 64, nullable=True),
    string("user_agent", 300, nullable=True),
    string("object_type", 40, nullable=True),
    string("object_id", 64, nullable=True),
    integer("commitment_id", nullable=True),
    string("sha256_before", 64, nullable=True),
    string("sha256_after", 64, nullable=True),
    json("details"),
    string("prev_hash", 64),
    string("entry_hash", 64),
    references={"actor_user_id": "users.id", "commitment_id": "commitments.id"},
    unique=["entry_hash"],
    indexes=["action", "commitment_id"],
)

MANDATES = table(
    "mandates",
    enum("kind", "mandatekind", "PLT PLH AN", 10),
    integer("principal_office_id"),
    integer("deputy_user_id"),
    integer("deputy_office_id", nullable=True),
    string("letter_number", 120),
    date("letter_date"),
    date("valid_from"),
    date("valid_until", nullable=True),
    integer("event_id", nullable=True),
    moment("revoked_at", nullable=True),
    moment("created_at"),
    integer("created_by_id", nullable=True),
    json("details"),
    references={
        "created_by_id": "users.id",
        "deputy_office_id": "offices.id",
        "deputy_user_id": "users.id",
        "event_id": "events.id",
        "principal_office_id": "offices.id",
    },
    indexes=["deputy_user_id", "principal_office_id"],
)

NOTIFICATIONS = table(
    "notifications",
    integer("user_id"),
    integer("commitment_id", nullable=True),
    string("subject", 300),
    text("body"),
    string("url", 500, nullable=True),
    moment("created_at"),
    moment("read_at", nullable=True),
    moment("emailed_at", nullable=True),
    references={"commitment_id": "commitments.id", "user_id": "users.id"},
    indexes=["user_id"],
)

OFFICE_HOLDERS = table(
    "office_holders",
    integer("office_id"),
    string("name", 200),
    string("nip", 30, nullable=True),
    integer("user_id", nullable=True),
    date("started_on", nullable=True),
    date("ended_on", nullable=True),
    boolean("is_demo"),
    references={"office_id": "offices.id", "user_id": "users.id"},
    indexes=["office_id", "user_id"],
)

SLOTS = table(
    "slots",
    integer("commitment_id"),
    enum(
        "role",
        "slotrole",
        "KEPALA_DAERAH KETUA_DPRD GUBERNUR SAKSI_WAKIL_GUBERNUR SAKSI_KETUA_DPRD_PROVINSI",
        40,
    ),
    integer("office_id"),
    integer("position"),
    string("field_name", 60),
    string("paraf_field_name", 60, nullable=True),
    references={"commitment_id": "commitments.id", "office_id": "offices.id"},
    unique=["commitment_id role"],
    indexes=["commitment_id", "office_id"],
)

ACTS = table(
    "acts",
    integer("commitment_id"),
    integer("slot_id", nullable=True),
    enum("kind", "actkind", "SEAL SIGN PARAF WITNESS DECLINE", 20),
    enum("capacity", "capacity", "HOLDER PLT PLH AN STAND_IN", 20),
    integer("actor_user_id", nullable=True),
    string("actor_name", 200),
    integer("actor_office_id", nullable=True),
    string("actor_office_title", 200, nullable=True),
    integer("mandate_id", nullable=True),
    integer("certificate_id", nullable=True),
    string("field_name", 60, nullable=True),
    text("reason", nullable=True),
    integer("attests_act_id", nullable=True),
    string("sha256_before", 64, nullable=True),
    string("sha256_after", 64, nullable=True),
    moment("created_at"),
    string("ip", 64, nullable=True),
    string("user_agent", 300, nullable=True),
    references={
        "actor_office_id": "offices.id",
        "actor_user_id": "users.id",
        "attests_act_id": "acts.id",
        "certificate_id": "signing_certificates.id",
        "commitment_id": "commitments.id",
        "mandate_id": "mandates.id",
        "slot_id": "slots.id",
    },
    unique=["commitment_id field_name"],
    indexes=["actor_user_id", "commitment_id", "created_at", "slot_id"],
)

REVISIONS = table(
    "revisions",
    integer("commitment_id"),
    integer("sequence"),
    string("sha256", 64),
    string("parent_sha256", 64, nullable=True),
    string("label", 30),
    integer("act_id", nullable=True),
    moment("created_at"),
    references={"act_id": "acts.id", "commitment_id": "commitments.id", "sha256": "blobs.sha256"},
    unique=["commitment_id sequence"],
    indexes=["commitment_id", "sha256"],
)


upgrade, downgrade = table_steps(
    BAND_SCHEMES,
    BLOBS,
    PROVINCES,
    USERS,
    API_TOKENS,
    AUTH_SESSIONS,
    EVENTS,
    REGIONS,
    SIGNING_CERTIFICATES,
    COMMITMENTS,
    MCP_SCORES,
    OFFICES,
    AUDIT_ENTRIES,
    MANDATES,
    NOTIFICATIONS,
    OFFICE_HOLDERS,
    SLOTS,
    ACTS,
    REVISIONS,
)
