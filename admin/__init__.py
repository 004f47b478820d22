"""The station's oversight pages for supervisors and Propam (dashboard, reports, hand-over,
users, printer) and the survey desk; the figures they show are `shared.application.reporting`'s."""
