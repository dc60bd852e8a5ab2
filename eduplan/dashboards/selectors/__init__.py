"""What the dashboards show, built once per data change and per unit and period.

Every builder takes the user and checks access itself (through `org.access`), then
reads figures through `indicators` (cached under the figures stamp), so the number of
queries a page makes does not grow with the number of projects, districts or schools.

One module per page: `cockpit` (the cockpit and the big screen), `project`, `districts`,
`school`; `frame` is what they share (plan, unit, period; a target's cells and chart) and
`reports_due` the reports due by unit that the cockpit and the districts page show.
"""
