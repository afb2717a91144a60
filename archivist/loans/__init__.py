"""Borrowing archives: loan requests, approval, check-out and return, and the borrowing register
and approval-form exports."""
