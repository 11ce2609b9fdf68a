"""The inbox (``GET /kotak-masuk``), the signing page (``GET /komitmen/<id>``) and the act
(``POST /komitmen/<id>/tindakan``, through :func:`signing.workflow.submit.submit_act`).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import (
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext

from signing import db
from signing.models import (
    Act,
    ActKind,
    Commitment,
    Role,
    User,
)
from signing.pki import service
from signing.web.access import role_required
from signing.web.documents import (
    Geometry,
    current_geometry,
    fail,
    load_commitment,
    may_view,
    user_mandates,
)
from signing.web.errors import error_response
from signing.web.inbox.common import (
    bp,
    form_act_request,
    official,
    passphrase_throttle,
)
from signing.web.inbox.items import (
    DONE_WORDS,
    Item,
    act_sentence,
    build_item,
    group_by_event,
    official_items,
)
from signing.workflow.rules import (
    WorkflowRefused,
)
from signing.workflow.submit import submit_act


@bp.get("/kotak-masuk")
@role_required(Role.OFFICIAL)
def index():  # type: ignore[no-untyped-def]
    user = official()
    items = official_items(db.session, user)
    sections = {
        name: group_by_event([i for i in items if i.section == name])
        for name in ("action", "waiting", "done")
    }

    certificate = service.active_certificate(db.session, user)
    select_all = request.args.get("pilih") == "semua"
    return render_template(
        "inbox/index.html",
        sections=sections,
        count={name: sum(len(g[1]) for g in groups) for name, groups in sections.items()},
        certificate=certificate,
        select_all=select_all,
    )


def signing_context(
    commitment: Commitment, item: Item, geometry: Geometry | None
) -> dict[str, Any]:
    """What the signing page template needs (the inbox and the desk render the same partial)."""
    choices = item.choices
    selected = request.form.get("choice") if request.method == "POST" else None
    if selected not in {c.value for c in choices}:
        selected = choices[0].value if choices else None
    highlights = []
    by_value = {c.value: c for c in choices}
    active_field = by_value[selected].field_name if selected in by_value else None
    if geometry is not None:
        for choice in choices:
            box = geometry.fields.get(choice.field_name or "")
            if box is not None:
                highlights.append((choice, box))
    witness = next((c for c in choices if c.kind is ActKind.WITNESS), None)
    attest_options = []
    if witness is not None:
        slot = commitment.slot(witness.role)
        for act in reversed(item.attestable):
            sentence = act_sentence(
                commitment, slot, item.user, ActKind.WITNESS, witness.capacity, None, act
            )
            attest_options.append((act, sentence))
    return {
        "item": item,
        "commitment": commitment,
        "attest_options": attest_options,
        "choices": choices,
        "selected": selected,
        "geometry": geometry,
        "highlights": highlights,
        "active_field": active_field,
        "selected_choice": by_value.get(selected or ""),
        "history": [a for a in commitment.acts if a.kind is not ActKind.SEAL],
    }


def _render_signing(
    commitment: Commitment,
    item: Item,
    *,
    status: int = 200,
    error: WorkflowRefused | None = None,
    done: Act | None = None,
):  # type: ignore[no-untyped-def]
    geometry = current_geometry(db.session, commitment)
    context = signing_context(commitment, item, geometry)
    newer = None
    if commitment.is_void:
        newer = db.session.execute(
            sa.select(Commitment).where(Commitment.replaces_id == commitment.id)
        ).scalar_one_or_none()
    response = render_template(
        "inbox/commitment.html",
        newer=newer,
        error=error,
        done=done,
        done_words=DONE_WORDS,
        form=request.form if request.method == "POST" else {},
        **context,
    )
    return response, status, {"Cache-Control": "no-store"}


def _item_or_fail(commitment_id: int, user: User) -> tuple[Commitment, Item]:
    commitment = load_commitment(db.session, commitment_id)
    if commitment is None or commitment.current_sha256 is None:
        fail(404, gettext("Dokumen komitmen tidak ditemukan atau belum dibuat."))
    item = build_item(commitment, user, user_mandates(db.session, user))
    if item is None and may_view(db.session, user, commitment):
        # The one read rule also lets in an official who acted and has since lost the slot
        # (a revoked mandate, an office handed over): the page shows the record, no task.
        item = build_item(commitment, user, [], read_only=True)
    if item is None:
        fail(
            403,
            gettext(
                "Ini bukan bagian tanda tangan Anda: dokumen ini tidak memuat bagian tanda "
                "tangan yang Anda pegang, wakili atau saksikan."
            ),
        )
    return commitment, item


@bp.get("/komitmen/<int:commitment_id>")
@role_required(Role.OFFICIAL)
def commitment(commitment_id: int):  # type: ignore[no-untyped-def]
    user = official()
    commitment, item = _item_or_fail(commitment_id, user)
    done = None
    if request.args.get("selesai", "").isdigit():
        wanted = int(request.args["selesai"])
        done = next(
            (a for a in commitment.acts if a.id == wanted and a.actor_user_id == user.id), None
        )
    return _render_signing(commitment, item, done=done)


@bp.post("/komitmen/<int:commitment_id>/tindakan")
@role_required(Role.OFFICIAL)
@passphrase_throttle()
def act(commitment_id: int):  # type: ignore[no-untyped-def]
    user = official()
    outcome = submit_act(db.session, form_act_request(commitment_id), user)
    done, refused = outcome.act, outcome.refused
    if done is not None:
        return redirect(
            url_for(".commitment", commitment_id=commitment_id, selesai=done.id, _anchor="hasil"),
            code=303,
        )
    assert refused is not None
    db.session.expire_all()
    commitment = load_commitment(db.session, commitment_id)
    item = (
        build_item(commitment, user, user_mandates(db.session, user))
        if commitment is not None and commitment.current_sha256 is not None
        else None
    )
    if item is None:
        return error_response(refused.http_status, refused.text(), code=refused.code)
    return _render_signing(commitment, item, status=refused.http_status, error=refused)
