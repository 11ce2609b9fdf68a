"""The foot of every page of the commitment: the QR code, the notice and "Halaman x dari y"."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.graphics.barcode.qr import QrCode
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from . import layout as L
from .fonts import x
from .layout import DocumentLayoutError
from .styles import S_PAGE_NUMBER, style

__all__ = ["QR_FORM", "PageFooter", "PageFooterCanvas"]

QR_FORM = "verification_qr"


@dataclass(frozen=True)
class PageFooter:
    """What every page of the commitment prints at its foot, besides its number."""

    document_code: str
    verification_url: str
    province_name: str
    pdf_date: str


class PageFooterCanvas(Canvas):
    """Canvas that holds pages back until the end to print "Halaman x dari y" on each."""

    def __init__(self, *args: object, footer: PageFooter, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self._footer = footer
        self._held_pages: list[dict[str, object]] = []
        date = footer.pdf_date
        # invariant=1 would stamp 2000-01-01; the event date is as stable and more truthful.
        self.setDateFormatter(lambda *_: date)

    def showPage(self) -> None:  # noqa: N802
        self._held_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._held_pages)
        notice = self._notice()
        for k, state in enumerate(self._held_pages):
            self.__dict__.update(state)
            if k == 0:
                self._define_qr_form()
            self._draw_footer(k + 1, total, notice)
            super().showPage()
        super().save()

    def _define_qr_form(self) -> None:
        # The QrCode flowable draws bare rectangles; renderPDF would also select Helvetica.
        code = QrCode(self._footer.verification_url, width=L.QR_SIZE, height=L.QR_SIZE, qrLevel="M")
        code.wrap(L.QR_SIZE, L.QR_SIZE)
        self.beginForm(QR_FORM)
        code.drawOn(self, L.QR_BOX.x1, L.QR_BOX.y1)
        self.endForm()

    def _notice(self) -> Paragraph:
        f = self._footer
        text = (
            f"<b>Kode dokumen: {x(f.document_code)}</b><br/>"
            # Printed on the sealed draft too, so it describes how signatures are applied
            # rather than claiming any.
            "Tanda tangan dan paraf pada dokumen ini dibubuhkan secara elektronik dengan "
            "sertifikat elektronik yang diterbitkan oleh CA internal DPMPTSP Provinsi "
            f"{x(f.province_name)} (tidak tersertifikasi). Keaslian, keutuhan dan status "
            "penandatanganan dokumen dapat diperiksa dengan memindai kode QR atau melalui "
            f"{x(f.verification_url)}"
        )
        box = L.FOOTER_TEXT_BOX
        for size in (7, 6.5, 6, 5.5, 5):
            para = Paragraph(
                text, style("footer", fontSize=size, leading=size * 1.3, alignment=TA_LEFT)
            )
            _, height = para.wrap(box.width, box.height)
            if height <= box.height:
                return para
        raise DocumentLayoutError(
            f"Teks kaki halaman dokumen {f.document_code} tidak muat: alamat verifikasi terlalu "
            "panjang."
        )

    def _draw_footer(self, page: int, total: int, notice: Paragraph) -> None:
        self.saveState()
        self.setStrokeColor(colors.Color(0.4, 0.4, 0.4))
        self.setLineWidth(0.5)
        self.line(L.FRAME.x1, L.FOOTER_RULE_Y, L.FRAME.x2, L.FOOTER_RULE_Y)
        self.doForm(QR_FORM)
        box = L.FOOTER_TEXT_BOX
        notice.drawOn(self, box.x1, box.y2 - notice.height)
        number = Paragraph(f"Halaman {page} dari {total}", S_PAGE_NUMBER)
        _, height = number.wrap(L.PAGE_NUMBER_BOX.width, L.PAGE_NUMBER_BOX.height)
        number.drawOn(self, L.PAGE_NUMBER_BOX.x1, L.PAGE_NUMBER_BOX.y2 - height)
        self.restoreState()
