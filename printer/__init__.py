"""The ESC/POS printer adapters: `Printers` implements the core's
`shared.application.printing.Printing`.

It sends tickets to the configured ESC/POS printers (or keeps PNG previews), and
`sample_ticket` builds the ticket printed by `satupintu printer test`.
"""

from printer.pool import Printers
from printer.sample import sample_ticket

__all__ = ["Printers", "sample_ticket"]
