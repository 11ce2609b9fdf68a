"""Printing: the print copy ("Salinan") with its verification sheet, the event bundle and the
status report. Assembly only: the pages are drawn by :mod:`signing.documents.sheets` and
:mod:`signing.documents.report`, and joined with pypdfium2 (:mod:`signing.printing.pages`)."""
