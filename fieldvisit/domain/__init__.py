"""Pure domain: entities, value objects, compliance rules, safety state machine."""
