"""The signing workflow: routing, rules, derived status and the operations that act.

- :mod:`signing.workflow.routing`: routing policies (order of the slots), pure.
- :mod:`signing.workflow.status`: slot and commitment status derived from the acts.
- :mod:`signing.workflow.rules`: who may do what now; :class:`WorkflowRefused`.
- :mod:`signing.workflow.submit`: :func:`submit_act`, the one path of an act (its transaction).
- :mod:`signing.workflow.acts`, :mod:`~signing.workflow.marks`, :mod:`~signing.workflow.locking`:
  perform an act under the commitment's lock, and what it puts into the PDF.
- :mod:`signing.workflow.mandates`, :mod:`~signing.workflow.turns`,
  :mod:`~signing.workflow.voiding`: mandates, notifications and reminders, voiding.
- :mod:`signing.workflow.operations`: the operations by the names the rest imports.
"""
