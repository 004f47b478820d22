"""Oversight for supervisors and Propam: dashboard, reports, fairness, audit, satisfaction."""
