"""The repair desk (报修接待, D-30 to D-38), split by concern; callers import the module that
does the work: intake (taking an order), status (status changes and the callback), fees (fee
lines), warranty (the warranty and its links), engineers (the engineering list), settlement
(settlement, cost bearer, estimate and quotation), queries (reading; `count_overdue` feeds the
app header).
"""
