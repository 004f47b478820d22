"""Ticket printing: what the core hands over (TicketPrint) and what it gets back (PrintResult).

`Printers` sends tickets to the configured ESC/POS printers (or keeps PNG previews), and
`sample_ticket` builds the ticket printed by `satupintu printer test`.
"""

from printer.pool import Printers
from printer.sample import sample_ticket
from printer.ticket import PrintResult, PrintStatus, TicketPrint

__all__ = ["PrintResult", "PrintStatus", "Printers", "TicketPrint", "sample_ticket"]
