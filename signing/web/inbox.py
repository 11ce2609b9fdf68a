"""Officials' pages: the inbox, the signing page, bulk signing and the signing key.

- ``GET /kotak-masuk``: "Perlu tindakan Anda": the commitments with a slot the official holds,
  may stand in for (a Wakil: paraf only) or holds a recorded mandate for, and witness slots;
  grouped by event; waiting and done ones below. Several signatures can be made in one go with
  one passphrase entry (each still its own :func:`perform_act`, audit entry and commit).
- ``GET /komitmen/<id>`` (the path notifications link to): the signing page. The document as
  page images with the field where the mark lands highlighted, one sentence that says what is
  being signed, only the choices the rules allow, capacity, passphrase, confirmation.
- ``POST /komitmen/<id>/tindakan``: the act. A refusal re-renders the page with the rules'
  Indonesian message and HTTP status (a repeated submit: 409 "sudah dilakukan").
- ``GET|POST /kunci-tanda-tangan``: enrolment (issue the certificate) and passphrase change.
- ``POST /kunci-tanda-tangan/spesimen``, ``GET .../spesimen/<kind>.png``: the official's specimens
  of handwritten signature and paraf (upload, remove, preview).

Views load, check, call one operation and commit once; a refused act still commits its audit
entry (and the passphrase failure count) as :mod:`signing.workflow.operations` asks.

The model of a signing page (:func:`build_item`: tasks and their choices) is shared with the
signing desk (:mod:`signing.web.desk`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext, lazy_gettext
from flask_login import current_user
from sqlalchemy.orm import Session, aliased, selectinload

from signing import db
from signing.extensions import limiter
from signing.models import (
    Act,
    ActKind,
    Capacity,
    Commitment,
    Event,
    Mandate,
    Office,
    Role,
    Slot,
    SlotRole,
    Specimen,
    SpecimenKind,
    User,
)
from signing.web.access import role_required
from signing.web.documents import (
    Geometry,
    current_geometry,
    fail,
    load_commitment,
    may_view,
    related_slots,
    user_mandates,
)
from signing.web.errors import error_response
from signing.workflow.access import candidate_offices
from signing.workflow.mandates import deputy_office_of
from signing.workflow.routing import SlotState
from signing.workflow.rules import (
    WorkflowRefused,
    allowed_acts,
    check_one_role,
    policy_of,
    today_wib,
)
from signing.workflow.status import CommitmentState, CommitmentStatus, commitment_status
from signing.workflow.submit import ActRequest, submit_act

bp = Blueprint("inbox", __name__)

#: Refusals after which a bulk run stops: every further attempt would fail the same way (and
#: a wrong passphrase repeated 14 times would lock the key).
STOP_CODES = {"wrong_passphrase", "locked", "not_enrolled", "certificate_not_usable"}
SUBMIT_LABELS = {
    ActKind.SIGN: lazy_gettext("Tanda tangani"),
    ActKind.PARAF: lazy_gettext("Bubuhkan paraf"),
    ActKind.WITNESS: lazy_gettext("Saksikan"),
    ActKind.DECLINE: lazy_gettext("Tolak dokumen"),
}
DONE_WORDS = {
    ActKind.SIGN: lazy_gettext("Tanda tangan Anda telah dibubuhkan."),
    ActKind.PARAF: lazy_gettext("Paraf Anda telah dibubuhkan."),
    ActKind.WITNESS: lazy_gettext("Kesaksian Anda telah dibubuhkan."),
    ActKind.DECLINE: lazy_gettext("Penolakan Anda telah dicatat."),
}


# ----------------------------------------------------------------------------- the model


def document_title(commitment: Commitment) -> str:
    region = commitment.region.name if commitment.region is not None else commitment.number
    return f"Komitmen Bersama PTSP Prima {region}"


def act_description(act: Act) -> str:
    """``paraf H.M. Taufik Mukri (Wakil Bupati Kotawaringin Timur)``."""
    who = act.actor_name
    if act.actor_office_title:
        who += f" ({act.actor_office_title})"
    return f"{gettext(ActKind(act.kind).label).lower()} {who}"


@dataclass(frozen=True)
class Choice:
    """One act the official may do now, in one capacity: a radio button of the signing form."""

    role: SlotRole
    kind: ActKind
    capacity: Capacity
    mandate: Mandate | None
    label: str
    detail: str
    sentence: str
    field_name: str | None

    @property
    def value(self) -> str:
        return f"{self.role.value}:{self.kind.value}:{self.capacity.value}"

    @property
    def submit_label(self) -> str:
        return str(SUBMIT_LABELS[self.kind])

    @property
    def needs_passphrase(self) -> bool:
        # A decline is an act: it is signed into the audit log with the official's key.
        return True


@dataclass(frozen=True)
class Task:
    """A slot of the commitment the official relates to, and what they may do on it now."""

    slot: Slot
    role: SlotRole
    state: SlotState
    capacities: tuple[tuple[Capacity, Mandate | None], ...]
    choices: tuple[Choice, ...]
    expected: str
    paraf_by: Act | None = None
    #: Why this person may not act on this slot at all (one person, one role per commitment).
    barred: WorkflowRefused | None = None

    @property
    def stand_in_only(self) -> bool:
        return all(cap is Capacity.STAND_IN for cap, _m in self.capacities)

    @property
    def can_act(self) -> bool:
        """Something other than a decline is possible now."""
        return any(choice.kind is not ActKind.DECLINE for choice in self.choices)

    @property
    def is_open(self) -> bool:
        if self.barred is not None:
            return False
        if self.stand_in_only:
            return self.state is SlotState.PENDING
        return self.state in (SlotState.PENDING, SlotState.PARAF_ONLY)

    @property
    def sign_choice(self) -> Choice | None:
        """The signature in the best capacity (for bulk signing)."""
        return next((c for c in self.choices if c.kind is ActKind.SIGN), None)


@dataclass
class Item:
    """A commitment as one official sees it."""

    commitment: Commitment
    user: User
    status: CommitmentStatus
    tasks: list[Task]
    turn_text: str
    section: str = "done"
    attestable: list[Act] = field(default_factory=list)
    #: What this official already did on the document.
    mine: list[Act] = field(default_factory=list)

    @property
    def own_tasks(self) -> list[Task]:
        own = [t for t in self.tasks if not t.stand_in_only]
        return own or self.tasks

    @property
    def extra_tasks(self) -> list[Task]:
        """Stand-in tasks of someone who also holds a slot of their own on the document."""
        own = self.own_tasks
        return [t for t in self.tasks if t not in own]

    @property
    def choices(self) -> list[Choice]:
        return [choice for task in self.own_tasks + self.extra_tasks for choice in task.choices]

    @property
    def sign_choice(self) -> Choice | None:
        for task in self.own_tasks:
            choice = task.sign_choice
            if choice is not None and choice.capacity is not Capacity.STAND_IN:
                return choice
        return None

    @property
    def title(self) -> str:
        return document_title(self.commitment)

    @property
    def stand_in_note(self) -> str | None:
        """Why a Wakil without mandate sees only Paraf."""
        for task in self.own_tasks:
            if task.stand_in_only:
                principal = task.slot.office.title
                return gettext(
                    "Anda mewakili %(office)s tanpa mandat (Plt./Plh./a.n.) yang tercatat, "
                    "jadi Anda hanya dapat memaraf. Paraf bukan tanda tangan: tanda tangan "
                    "%(office)s sendiri masih diperlukan agar komitmen lengkap.",
                    office=principal,
                )
        return None


def _own_office_title(user: User, principal: Office) -> str:
    own = deputy_office_of(user, principal)
    if own is not None:
        return own.title
    offices = user.current_offices
    return offices[0].title if offices else user.display_name


def _capacity_words(capacity: Capacity, mandate: Mandate | None, principal: Office) -> str:
    if capacity is Capacity.HOLDER:
        return gettext("sebagai %(office)s", office=principal.title)
    if capacity is Capacity.STAND_IN:
        return gettext("mewakili %(office)s (tanpa mandat: paraf saja)", office=principal.title)
    if mandate is not None:
        return gettext(
            "sebagai %(capacity)s %(office)s (surat mandat %(letter)s)",
            capacity=capacity.line,
            office=principal.title,
            letter=mandate.letter_number,
        )
    return gettext(
        "sebagai %(capacity)s %(office)s", capacity=capacity.line, office=principal.title
    )


def _sentence(
    commitment: Commitment,
    slot: Slot,
    user: User,
    kind: ActKind,
    capacity: Capacity,
    mandate: Mandate | None,
    attested: Act | None,
) -> str:
    doc = document_title(commitment)
    principal = slot.office
    if kind is ActKind.WITNESS:
        if attested is not None:
            return gettext(
                "Anda menyaksikan %(act)s pada %(doc)s sebagai %(office)s.",
                act=act_description(attested),
                doc=doc,
                office=principal.title,
            )
        return gettext(
            "Anda menyaksikan %(doc)s sebagai %(office)s.", doc=doc, office=principal.title
        )
    words = _capacity_words(capacity, mandate, principal)
    if kind is ActKind.DECLINE:
        return gettext(
            "Anda menolak %(doc)s %(capacity)s. Versi dokumen ini berhenti; sekretariat perlu "
            "membatalkannya dan menerbitkan versi baru.",
            doc=doc,
            capacity=words,
        )
    if kind is ActKind.PARAF:
        if capacity is Capacity.STAND_IN:
            # Why it is only a paraf is said once, in the note beside the choices.
            return gettext(
                "Anda memaraf %(doc)s mewakili %(office)s, sebagai %(own)s.",
                doc=doc,
                office=principal.title,
                own=_own_office_title(user, principal),
            )
        return gettext(
            "Anda memaraf %(doc)s %(capacity)s. Paraf bukan tanda tangan: bagian tanda tangan "
            "ini tetap menunggu tanda tangan.",
            doc=doc,
            capacity=words,
        )
    return gettext("Anda menandatangani %(doc)s %(capacity)s.", doc=doc, capacity=words)


def _field_of(slot: Slot, kind: ActKind) -> str | None:
    if kind is ActKind.DECLINE:
        return None
    if kind is ActKind.PARAF:
        return slot.paraf_field_name
    return slot.field_name


def _attestable(commitment: Commitment) -> list[Act]:
    return [a for a in commitment.acts if a.kind in (ActKind.SIGN, ActKind.PARAF)]


def _expected(task_role: SlotRole, slot: Slot, caps, state: SlotState, paraf: Act | None) -> str:
    principal = slot.office.title
    capacity, mandate = caps[0]
    if task_role.is_witness:
        return gettext("Saksi sebagai %(office)s", office=principal)
    if capacity is Capacity.STAND_IN:
        return gettext("Paraf mewakili %(office)s (tanpa mandat: paraf saja)", office=principal)
    text = gettext(
        "Tanda tangan %(capacity)s", capacity=_capacity_words(capacity, mandate, slot.office)
    )
    if state is SlotState.PARAF_ONLY and paraf is not None:
        text = gettext(
            "%(expected)s; paraf %(name)s sudah ada", expected=text, name=paraf.actor_name
        )
    return text


def _choices(
    commitment: Commitment,
    slot: Slot,
    user: User,
    caps: list[tuple[Capacity, Mandate | None]],
    mandates: list[Mandate],
    today: dt.date,
    policy: Any,
    attested: Act | None,
) -> list[Choice]:
    role = SlotRole(slot.role)
    out: list[Choice] = []
    capacities = [capacity for capacity, _mandate in caps]
    for allowed in allowed_acts(
        commitment, slot, user, mandates, today, policy=policy, capacities=capacities
    ):
        kind = allowed.kind
        chosen = next((m for m in mandates if m.id == allowed.mandate_id), None)
        out.append(
            Choice(
                role=role,
                kind=kind,
                capacity=allowed.capacity,
                mandate=chosen,
                label=gettext(kind.label),  # the model's Indonesian label is the msgid
                detail=_capacity_words(allowed.capacity, chosen, slot.office),
                sentence=_sentence(
                    commitment, slot, user, kind, allowed.capacity, chosen, attested
                ),
                field_name=_field_of(slot, kind),
            )
        )
    return out


def _turn_text(commitment: Commitment, status: CommitmentStatus, mine: set[SlotRole]) -> str:
    """``Giliran Anda`` or ``Menunggu Bupati X dan Ketua DPRD Y``; ``mine``: roles the user may
    act on now."""
    if status.state in (CommitmentState.VOID, CommitmentState.COMPLETE, CommitmentState.DECLINED):
        return gettext(status.state.label)
    if not status.whose_turn:
        return gettext(status.state.label)
    others = [r for r in status.whose_turn if r not in mine]
    if mine & set(status.whose_turn):
        if not others:
            return gettext("Giliran Anda")
        return gettext(
            "Giliran Anda; juga ditunggu: %(offices)s", offices=_offices(commitment, others)
        )
    return gettext("Menunggu %(offices)s", offices=_offices(commitment, others))


def _offices(commitment: Commitment, roles: list[SlotRole]) -> str:
    by_role = {SlotRole(s.role): s for s in commitment.slots}
    names = [by_role[r].office.title if r in by_role else r.label for r in roles]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " " + gettext("dan") + " " + names[-1]


def _barred(commitment: Commitment, slot: Slot, user: User) -> WorkflowRefused | None:
    """The one-role refusal ``user`` would get on ``slot`` (the rules' own check), or None."""
    try:
        check_one_role(commitment, slot, user)
    except WorkflowRefused as refused:
        return refused
    return None


def build_item(
    commitment: Commitment,
    user: User,
    mandates: list[Mandate],
    today: dt.date | None = None,
    *,
    read_only: bool = False,
) -> Item | None:
    """What ``user`` may do on ``commitment`` now; None if no slot relates to them.

    ``read_only`` builds the item without tasks for a reader whom no slot concerns any more
    (the caller has checked the read rule)."""
    today = today or today_wib()
    related = {} if read_only else related_slots(commitment, user, mandates, today)
    if not related and not read_only:
        return None
    policy = policy_of(commitment)
    status = commitment_status(commitment, policy)
    attestable = _attestable(commitment)
    attested = attestable[-1] if attestable else None
    tasks = []
    for slot in commitment.slots:
        role = SlotRole(slot.role)
        caps = related.get(role)
        if not caps:
            continue
        slot_state = status.slots[role]
        tasks.append(
            Task(
                slot=slot,
                role=role,
                state=slot_state.state,
                capacities=tuple(caps),
                choices=tuple(
                    _choices(commitment, slot, user, caps, mandates, today, policy, attested)
                ),
                expected=_expected(role, slot, caps, slot_state.state, slot_state.paraf_act),
                paraf_by=slot_state.paraf_act,
                barred=_barred(commitment, slot, user),
            )
        )
    item = Item(
        commitment=commitment,
        user=user,
        status=status,
        tasks=tasks,
        turn_text=_turn_text(commitment, status, {t.role for t in tasks if t.can_act}),
        attestable=attestable,
        mine=[a for a in commitment.acts if a.actor_user_id == user.id],
    )
    closed = status.state in (
        CommitmentState.VOID,
        CommitmentState.COMPLETE,
        CommitmentState.DECLINED,
    )
    own = item.own_tasks
    if closed:
        item.section = "done"
    elif any(t.can_act for t in own):
        item.section = "action"
    elif any(t.is_open for t in own):
        item.section = "waiting"
    else:
        item.section = "done"
    return item


def official_items(db_session: Session, user: User, *, event_id: int | None = None) -> list[Item]:
    """Every current commitment that concerns ``user``, by event (newest first), then region."""
    mandates = user_mandates(db_session, user)
    office_ids = candidate_offices(db_session, user, mandates)
    if not office_ids:
        return []
    newer = aliased(Commitment)
    query = (
        sa.select(Commitment)
        .join(Event, Commitment.event_id == Event.id)
        .where(
            Commitment.id.in_(sa.select(Slot.commitment_id).where(Slot.office_id.in_(office_ids))),
            Commitment.current_sha256.is_not(None),
            ~sa.exists().where(newer.replaces_id == Commitment.id),
        )
        .options(
            selectinload(Commitment.event),
            selectinload(Commitment.region),
            selectinload(Commitment.acts),
            selectinload(Commitment.slots).selectinload(Slot.acts),
            selectinload(Commitment.slots).selectinload(Slot.office).selectinload(Office.holders),
        )
        .order_by(Event.date.desc(), Event.id.desc(), Commitment.id)
    )
    if event_id is not None:
        query = query.where(Commitment.event_id == event_id)
    today = today_wib()
    items = []
    for commitment in db_session.execute(query).scalars():
        item = build_item(commitment, user, mandates, today)
        if item is not None:
            items.append(item)
    items.sort(
        key=lambda i: (
            -i.commitment.event.date.toordinal(),
            -i.commitment.event_id,
            i.commitment.region.kemendagri_code if i.commitment.region else "",
        )
    )
    return items


def group_by_event(items: list[Item]) -> list[tuple[Event, list[Item]]]:
    groups: dict[int, tuple[Event, list[Item]]] = {}
    for item in items:
        event = item.commitment.event
        groups.setdefault(event.id, (event, []))[1].append(item)
    return list(groups.values())


# ----------------------------------------------------------------------------- form parsing


def form_act_request(commitment_id: int, **extra: Any) -> ActRequest:
    """The act the signing form (the inbox's or the desk's) asks for; ``extra``: e.g. ``after``.

    An unknown choice leaves role and kind empty: :meth:`ActRequest.problem` refuses it.
    """
    role = kind = capacity = None
    parts = (request.form.get("choice") or "").split(":")
    if len(parts) == 3:
        try:
            role, kind, capacity = SlotRole(parts[0]), ActKind(parts[1]), Capacity(parts[2])
        except ValueError:
            role = kind = capacity = None
    attests = request.form.get("attests") or ""
    # A decline's reason, or any other act's optional note (stored, never in the PDF).
    field = "reason" if kind is ActKind.DECLINE else "note"
    reason = " ".join((request.form.get(field) or "").split())[:1000] or None
    return ActRequest(
        commitment_id=commitment_id,
        role=role,
        kind=kind,
        capacity=capacity,
        passphrase=request.form.get("passphrase") or "",
        confirmed=request.form.get("confirm") == "1",
        reason=reason,
        attests_act_id=int(attests) if attests.isdigit() else None,
        ip=client_ip(),
        user_agent=client_agent(),
        **extra,
    )


def client_ip() -> str | None:
    return request.remote_addr


def client_agent() -> str | None:
    return (request.user_agent.string or "")[:300] or None


# ----------------------------------------------------------------------------- pages


def _official() -> User:
    return current_user._get_current_object()  # type: ignore[attr-defined]


def _passphrase_key() -> str:
    if current_user.is_authenticated:
        return f"passphrase:user:{current_user.id}"
    return f"passphrase:ip:{request.remote_addr}"


def _passphrase_limit() -> str:
    return current_app.config.get("PASSPHRASE_LIMIT", "5 per minute")


def _refused(response) -> bool:  # type: ignore[no-untyped-def]
    # Only failed attempts count against the throttle: a success redirects (303) or is 200.
    return response.status_code in (401, 403, 422, 429)


@bp.get("/kotak-masuk")
@role_required(Role.OFFICIAL)
def index():  # type: ignore[no-untyped-def]
    user = _official()
    items = official_items(db.session, user)
    sections = {
        name: group_by_event([i for i in items if i.section == name])
        for name in ("action", "waiting", "done")
    }
    from signing.pki import service

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
            sentence = _sentence(
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
    user = _official()
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
@limiter.limit(_passphrase_limit, key_func=_passphrase_key, deduct_when=_refused)
def act(commitment_id: int):  # type: ignore[no-untyped-def]
    user = _official()
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


# ----------------------------------------------------------------------------- bulk signing


@dataclass
class BulkResult:
    commitment_id: int
    title: str
    ok: bool
    message: str
    status: int
    code: str | None = None


def _wants_json() -> bool:
    return "application/json" in (request.headers.get("Accept") or "")


def _parse_bulk_items(values: list[str]) -> list[tuple[int, SlotRole]]:
    out = []
    seen = set()
    for value in values:
        cid, _, role = value.partition(":")
        try:
            parsed = (int(cid), SlotRole(role))
        except ValueError:
            continue
        if parsed not in seen:
            seen.add(parsed)
            out.append(parsed)
    return out


def _title_of(commitment_id: int, user: User) -> str:
    """The document's title when ``user`` may read it, else only its number: a bulk request
    names any id it likes, and the answer must not tell other regions' titles."""
    commitment = db.session.get(Commitment, commitment_id)
    if commitment is None or not may_view(db.session, user, commitment):
        return gettext("Dokumen %(id)s", id=commitment_id)
    return document_title(commitment)


def _bulk_request(commitment_id: int, role: SlotRole, passphrase: str) -> ActRequest:
    """One signature of a bulk run (the page's single confirmation box covers them all)."""
    return ActRequest(
        commitment_id=commitment_id,
        role=role,
        kind=ActKind.SIGN,
        passphrase=passphrase,
        confirmed=request.form.get("confirm") == "1",
        ip=client_ip(),
        user_agent=client_agent(),
    )


def _bulk_one(user: User, commitment_id: int, role: SlotRole, passphrase: str) -> BulkResult:
    outcome = submit_act(db.session, _bulk_request(commitment_id, role, passphrase), user)
    done, refused = outcome.act, outcome.refused
    title = _title_of(commitment_id, user)
    if done is not None:
        return BulkResult(commitment_id, title, True, gettext("Ditandatangani."), 200)
    assert refused is not None
    message = refused.text()
    if refused.code == "already_done":
        message = gettext("Sudah dilakukan: %(message)s", message=message)
    return BulkResult(commitment_id, title, False, message, refused.http_status, refused.code)


@bp.post("/kotak-masuk/tanda-tangan")
@limiter.limit(_passphrase_limit, key_func=_passphrase_key, deduct_when=_refused)
def bulk():  # type: ignore[no-untyped-def]
    """Sign several commitments with one passphrase entry.

    With JavaScript the inbox posts one commitment per request (``Accept: application/json``)
    and draws the progress; without it one POST signs them all in turn and answers with the
    result of each. Either way every signature is its own act, audit entry and commit.
    """
    json_mode = _wants_json()
    if not current_user.is_authenticated:
        if json_mode:
            message = gettext("Sesi Anda telah berakhir. Muat ulang halaman dan masuk kembali.")
            return jsonify({"ok": False, "code": "session_expired", "message": message}), 401
        from signing.extensions import login_manager

        return login_manager.unauthorized()
    if current_user.role != Role.OFFICIAL:
        message = gettext("Hanya pejabat yang menandatangani; sekretariat tidak menandatangani.")
        if json_mode:
            return jsonify({"ok": False, "code": "forbidden", "message": message}), 403
        return error_response(403, message)
    user = _official()
    items = _parse_bulk_items(request.form.getlist("item"))
    passphrase = request.form.get("passphrase") or ""
    problem, code = None, "invalid"
    if not items:
        problem = gettext("Pilih minimal satu komitmen untuk ditandatangani.")
    elif json_mode and len(items) != 1:
        problem = gettext("Satu permintaan menandatangani satu komitmen.")
    else:
        # The act's own rule (passphrase, confirmation), checked once for the whole run.
        refused = _bulk_request(items[0][0], items[0][1], passphrase).problem()
        if refused is not None:
            problem, code = refused.text(), refused.code
    if problem is not None:
        if json_mode:
            return jsonify({"ok": False, "code": code, "message": problem}), 422
        return error_response(422, problem)
    if json_mode:
        result = _bulk_one(user, items[0][0], items[0][1], passphrase)
        body = {
            "ok": result.ok,
            "commitment_id": result.commitment_id,
            "title": result.title,
            "message": result.message,
            "code": result.code,
            "stop": result.code in STOP_CODES,
        }
        return jsonify(body), result.status
    results: list[BulkResult] = []
    stopped: str | None = None  # the message of the refusal that stopped the batch
    for commitment_id, role in items:
        if stopped is not None:
            results.append(
                BulkResult(
                    commitment_id,
                    _title_of(commitment_id, user),
                    False,
                    gettext("Tidak diproses: %(message)s", message=stopped),
                    0,
                    "skipped",
                )
            )
            continue
        result = _bulk_one(user, commitment_id, role, passphrase)
        results.append(result)
        if result.code in STOP_CODES:
            stopped = result.message
    signed = sum(r.ok for r in results)
    status = 200 if signed else max((r.status for r in results), default=422)
    return (
        render_template("inbox/bulk_result.html", results=results, signed=signed),
        status,
        {"Cache-Control": "no-store"},
    )


# ----------------------------------------------------------------------------- enrolment


@bp.route("/kunci-tanda-tangan", methods=["GET", "POST"])
@role_required(Role.OFFICIAL)
@limiter.limit(_passphrase_limit, key_func=_passphrase_key, methods=["POST"], deduct_when=_refused)
def enrol():  # type: ignore[no-untyped-def]
    """Show the signing certificate; issue one (POST ``action=enrol``) or change the passphrase
    (POST ``action=change``)."""

    user = _official()
    error = None
    status = 200
    if request.method == "POST":
        action = request.form.get("action")
        if action == "change":
            error, status = _change_passphrase(user)
        else:
            error, status = _enrol(user)
        if error is None:
            return redirect(url_for(".enrol", ok=action or "enrol"), code=303)
    return _key_page(user, error, status)


def _key_page(user: User, error: str | None, status: int):  # type: ignore[no-untyped-def]
    from signing.pki import service

    certificate = service.active_certificate(db.session, user)
    latest = certificate or service.latest_certificate(db.session, user)
    state = service.lock_state(db.session, user)
    specimens = {
        s.kind.value: s
        for s in db.session.execute(sa.select(Specimen).where(Specimen.user_id == user.id))
        .scalars()
        .all()
    }
    return (
        render_template(
            "inbox/enrol.html",
            certificate=certificate,
            latest=latest,
            lock=state,
            error=error,
            action=request.form.get("action") if request.method == "POST" else None,
            ok=request.args.get("ok"),
            min_length=service.MIN_PASSPHRASE_LENGTH,
            subject=subject_parts(certificate.subject) if certificate is not None else [],
            specimens=specimens,
            specimen_kinds=list(SpecimenKind),
        ),
        status,
        {"Cache-Control": "no-store"},
    )


# ----------------------------------------------------------------------------- specimens


@bp.route("/kunci-tanda-tangan/spesimen", methods=["POST"])
@role_required(Role.OFFICIAL)
def specimen_upload():  # type: ignore[no-untyped-def]
    """Store the official's specimen (POST ``kind``, ``file``), or remove it (``remove=1``).

    A refused file changes nothing and the key page says why, in the official's language.
    """
    from signing.specimens import SpecimenRejected, remove_specimen, store_specimen

    user = _official()
    try:
        kind = SpecimenKind(request.form.get("kind", ""))
    except ValueError:
        return _key_page(user, gettext("Jenis spesimen tidak dikenal."), 422)
    if request.form.get("remove"):
        remove_specimen(db.session, user, kind, actor=user, ip=client_ip())
        db.session.commit()
        return redirect(url_for(".enrol", ok="specimen_removed"), code=303)
    upload = request.files.get("file")
    data = upload.read() if upload is not None else b""
    try:
        store_specimen(
            db.session, user, kind, data, actor=user, ip=client_ip(), user_agent=client_agent()
        )
    except SpecimenRejected as error:
        db.session.rollback()
        return _key_page(user, error.refused().text(), 422)
    db.session.commit()
    return redirect(url_for(".enrol", ok="specimen"), code=303)


@bp.route("/kunci-tanda-tangan/spesimen/<kind>.png")
@role_required(Role.OFFICIAL)
def specimen_image(kind: str):  # type: ignore[no-untyped-def]
    """The official's own specimen (nobody else's: the user comes from the session)."""
    try:
        wanted = SpecimenKind(kind)
    except ValueError:
        abort(404)
    specimen = db.session.execute(
        sa.select(Specimen).where(Specimen.user_id == _official().id, Specimen.kind == wanted)
    ).scalar_one_or_none()
    if specimen is None:
        abort(404)
    return Response(
        specimen.png,
        mimetype="image/png",
        headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"},
    )


#: Attribute names of a certificate subject, as officials read them.
SUBJECT_LABELS = {
    "CN": "Nama",
    "2.5.4.12": "Jabatan",
    "T": "Jabatan",
    "TITLE": "Jabatan",
    "O": "Instansi",
    "OU": "Unit",
    "C": "Negara",
    "E": "Surel",
    "1.2.840.113549.1.9.1": "Surel",
    "EMAILADDRESS": "Surel",
}


def subject_parts(subject: str) -> list[tuple[str, str]]:
    """``CN=A,2.5.4.12=B,O=C`` (RFC 4514, as stored) as ``[("Nama", "A"), ("Jabatan", "B"),
    ...]``, most specific first, escapes undone."""
    parts: list[str] = []
    current = []
    escaped = False
    for char in subject:
        if escaped:
            current.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == ",":
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    out = []
    for part in parts:
        name, _, value = part.partition("=")
        if value:
            out.append((SUBJECT_LABELS.get(name.strip().upper(), name.strip()), value.strip()))
    return out


def _enrol(user: User) -> tuple[str | None, int]:
    from signing.pki import service

    new = request.form.get("passphrase") or ""
    again = request.form.get("passphrase_again") or ""
    if service.active_certificate(db.session, user) is not None:
        return (
            gettext(
                "Anda sudah memiliki sertifikat aktif. Untuk mengganti frasa sandi gunakan "
                "formulir ganti frasa sandi."
            ),
            409,
        )
    if new != again:
        return gettext("Kedua isian frasa sandi tidak sama."), 422
    try:
        service.enrol(db.session, user, new, actor=user)
    except (service.PassphraseRejected, service.NotAnOfficial) as error:
        db.session.rollback()
        return error.refused().text(), 422
    except service.CaMissing as error:
        db.session.rollback()
        return error.refused().text(), 503
    db.session.commit()
    return None, 303


def _change_passphrase(user: User) -> tuple[str | None, int]:
    from signing.pki import service

    old = request.form.get("old_passphrase") or ""
    new = request.form.get("passphrase") or ""
    again = request.form.get("passphrase_again") or ""
    if new != again:
        return gettext("Kedua isian frasa sandi baru tidak sama."), 422
    if new == old:
        return gettext("Frasa sandi baru harus berbeda dari yang lama."), 422
    try:
        service.change_passphrase(db.session, user, old, new, actor=user)
    except service.PassphraseRejected as error:
        db.session.rollback()
        return error.refused().text(), 422
    except service.PassphraseLocked as error:
        db.session.commit()  # the refusal's audit entry
        return error.refused().text(), 429
    except (service.WrongPassphrase, service.NotEnrolled, service.CertificateNotUsable) as error:
        db.session.commit()  # the failure counts toward the throttle
        return error.refused().text(), 422
    db.session.commit()
    return None, 303
