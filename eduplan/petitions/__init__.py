"""Petition cases (信访) with their statutory clock, early warning and the backlog campaign."""
