"""The signing workflow: routing, rules, derived status and the operations that act.

- :mod:`signing.workflow.routing`: routing policies (order of the slots), pure.
- :mod:`signing.workflow.status`: slot and commitment status derived from the acts.
- :mod:`signing.workflow.rules`: who may do what now; :class:`WorkflowRefused`.
- :mod:`signing.workflow.operations`: perform an act, mandates, void, reminders.
"""
