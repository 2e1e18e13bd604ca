"""Issue 9, promise 8: THE table of who may do what — every role × every screen action, CLI
command and guarded service function. tests/reliability/test_roles.py holds the code to it.

How to read it:
- `PERMISSIONS`: each permission id and the roles that have it (O operator, S supervisor,
  A admin). It must equal `deskterm.services.permissions.POLICY`: a change to the policy is
  a change to this table, made on purpose.
- `SCREEN_ACTIONS`: every key registered in `deskterm.tui.actions` → the permission it
  exercises (`None`: any signed-in role, or the sign-in gate itself). A key whose meaning
  depends on the list in view maps each view to its permission.
- `CLI_COMMANDS`: every command line → the permission(s) it signs in for (`None`: no
  sign-in; the command is guarded by access to the database file, see NO_SIGN_IN).
- `SERVICES`: every guarded service function → the permission(s) it requires (in the order
  it asks for them).

`python -m tests.reliability.roles_table` prints the table as Markdown (role × action).
"""

from __future__ import annotations

ROLES = ("operator", "supervisor", "admin")
_CODES = {"O": "operator", "S": "supervisor", "A": "admin"}

# -- permissions: the roles of each (must equal POLICY) -----------------------------------
PERMISSIONS: dict[str, str] = {
    # desk work: every signed-in role staffs the desk
    "shift.checkin": "OSA",
    "handover.sign": "OSA",
    "handover.accept": "OSA",
    "logbook.add": "OSA",
    "visitors.register": "OSA",
    "visitors.checkout": "OSA",
    "visitors.expect": "OSA",
    "inquiries.search": "OSA",
    "inquiries.contact": "OSA",
    "messages.take": "OSA",
    "messages.deliver": "OSA",
    "promises.make": "OSA",
    "promises.answer": "OSA",
    "residents.reveal_phone": "OSA",
    "repairs.intake": "OSA",
    "repairs.update": "OSA",
    "repairs.add_fee": "OSA",
    "repairs.settle": "OSA",
    "repairs.warranty_link": "OSA",
    "engineers.duty": "OSA",
    "callbacks.record": "OSA",
    "complaints.intake": "OSA",
    "complaints.handle": "OSA",
    "communications.record": "OSA",
    "account.password": "OSA",
    # supervisors
    "visitors.deny_list": "SA",
    "visitors.deny_override": "SA",
    "repairs.review_fee": "SA",
    "engineers.manage": "SA",
    "complaints.sign_off": "SA",
    "report.run": "SA",
    "audit.verify": "SA",
    "users.unlock": "SA",
    "shift.close_other": "SA",
    # admins
    "complaints.categories": "A",
    "repairs.categories": "A",
    "export.run": "A",
    "export.include_pii": "A",
    "import.run": "A",
    "fees.manage": "A",
    "users.manage": "A",
    "residents.manage": "A",
    "db.manage": "A",
    "purge.run": "A",
}

# -- the desk app: every registered key -----------------------------------------------------
ANYONE = None  # any signed-in role (navigation, help, lists), or the sign-in gate itself
SCREEN_ACTIONS: dict[str, str | dict[str, str] | None] = {
    # everywhere
    "app.help": ANYONE,
    "app.palette": ANYONE,
    "app.lock": ANYONE,
    "app.sign_out": ANYONE,
    "app.quit": ANYONE,
    "app.read_all": ANYONE,
    "help.close": ANYONE,
    "report.close": ANYONE,
    "area.dashboard": ANYONE,
    "area.visitors": ANYONE,
    "area.inquiries": ANYONE,
    "area.repairs": ANYONE,
    "area.complaints": ANYONE,
    "area.logbook": ANYONE,
    "area.handover": ANYONE,
    "form.save": ANYONE,
    "form.cancel": ANYONE,
    "dialog.confirm": ANYONE,
    "dialog.cancel": ANYONE,
    "confirm.yes": ANYONE,
    "confirm.no": ANYONE,
    # the gate: sign-in, lock, check-in and the previous handover
    "signin.submit": ANYONE,
    "lock.unlock": ANYONE,
    "lock.sign_out": ANYONE,
    "checkin.start": "shift.checkin",
    "checkin.back": ANYONE,
    "checkin.desk": "report.run",
    "checkin.accept": "handover.accept",
    "checkin.refuse": "handover.accept",
    # dashboard
    "dashboard.refresh": ANYONE,
    "dashboard.open": ANYONE,
    "dashboard.report": "report.run",
    # visitors
    "visitors.new": "visitors.register",
    "visitors.expect": "visitors.expect",
    "visitors.deny_add": "visitors.deny_list",
    "visitors.remove": {"expected": "visitors.expect", "deny": "visitors.deny_list"},
    "visitors.open": ANYONE,
    "visitors.view": ANYONE,
    "visitors.scan": "visitors.checkout",
    "visitors.rollcall": ANYONE,
    "visitors.print": "visitors.register",
    "visitors.refresh": ANYONE,
    "visitors.slip_print": ANYONE,
    "visitors.slip_checkout": "visitors.checkout",
    "visitors.slip_lost": "visitors.checkout",
    "visitors.slip_edit": "visitors.register",
    "visitors.slip_undo": "visitors.checkout",
    "visitors.slip_back": ANYONE,
    "visitors.call_agreed": "visitors.register",
    "visitors.call_refused": "visitors.register",
    "visitors.call_no_answer": "visitors.register",
    "visitors.call_reveal": "residents.reveal_phone",
    "visitors.call_back": ANYONE,
    "visitors.call_method_1": "visitors.register",
    "visitors.call_method_2": "visitors.register",
    "visitors.call_method_3": "visitors.register",
    "visitors.arrive_confirm": "visitors.register",
    "visitors.rollcall_print": ANYONE,
    "visitors.rollcall_close": ANYONE,
    # the supervisor types their own code and password at the operator's desk
    "visitors.deny_allow": "visitors.deny_override",
    "visitors.deny_refuse": "visitors.deny_override",
    "visitors.deny_back": ANYONE,
    # inquiries
    "inquiries.open": "inquiries.contact",
    "inquiries.search": "inquiries.search",
    "inquiries.message": "messages.take",
    "inquiries.promise": "promises.make",
    "inquiries.reveal": "residents.reveal_phone",
    "inquiries.channel": ANYONE,
    "inquiries.log": "inquiries.contact",
    "inquiries.correct": "inquiries.contact",
    "inquiries.view": ANYONE,
    "inquiries.refresh": ANYONE,
    "inquiries.kind": ANYONE,
    "inquiries.notice": ANYONE,
    "notice.print": ANYONE,
    "contact.reveal": "residents.reveal_phone",
    "contact.message": "messages.take",
    "contact.promise": "promises.make",
    "contact.close": ANYONE,
    "giveup.declined": "inquiries.contact",
    "call.reveal": "residents.reveal_phone",  # inside the callback and message dialogs (D-21)  # D-22: closing as not reached, the inquirer declined
    "callback.record": "callbacks.record",  # the callback dialog's save key names the outcome
    "contact.record": ANYONE,
    "answer.promise": "promises.make",
    # repairs
    "repairs.new": "repairs.intake",
    "repairs.next": "repairs.update",
    "repairs.actions": "repairs.update",
    "repairs.print": "repairs.update",
    "repairs.view": ANYONE,
    "repairs.search": ANYONE,
    "repairs.refresh": ANYONE,
    "repair_intake.scope": "repairs.intake",
    "repair_intake.warranty": "repairs.intake",
    "repair_intake.next_match": "repairs.intake",
    "repair_intake.prev_match": "repairs.intake",
    "repair_fee.mode": "repairs.add_fee",
    "repair_fee.next": "repairs.add_fee",
    "repair_fee.prev": "repairs.add_fee",
    "repair_review.reject": "repairs.review_fee",
    # complaints, callbacks, communications
    "complaints.new": {
        "complaints": "complaints.intake",
        "communications": "communications.record",
    },
    "complaints.open": "complaints.handle",
    "complaints.view": ANYONE,
    "complaints.filter": ANYONE,
    "complaints.search": ANYONE,
    "complaints.refresh": ANYONE,
    "complaints.categories": "complaints.categories",
    "categories.new": "complaints.categories",  # inside the admin's categories dialog
    # the repairs area's reference lists (D-30, D-36)
    "repairs.engineers": "engineers.duty",
    "engineers.toggle": "engineers.duty",
    "engineers.new": "engineers.manage",  # inside the engineers dialog
    "repairs.categories": "repairs.categories",
    "repair_categories.new": "repairs.categories",  # inside the repair categories dialog
    "complaint_menu.step": "complaints.handle",
    "complaint_menu.refer": "complaints.handle",
    "complaint_menu.answer": "complaints.handle",
    "complaint_menu.edit": "complaints.handle",
    "complaint_menu.meeting": "communications.record",
    "complaint_menu.link": "complaints.handle",
    "complaint_menu.area": "complaints.handle",
    "complaint_menu.ack": "complaints.sign_off",
    "complaint_menu.sign_off": "complaints.sign_off",
    # logbook
    "logbook.new": "logbook.add",
    "logbook.correct": "logbook.add",
    "logbook.search": ANYONE,
    "logbook.list": ANYONE,
    # handover
    "dashboard.close_shift": "shift.close_other",
    "handover.sign": "handover.sign",
    "handover.refresh": ANYONE,
    "handover.history": ANYONE,
    "sheet.save": ANYONE,
    "sheet.print": ANYONE,
    "sheet.close": ANYONE,
    "sheet.done": ANYONE,
    "history.open": ANYONE,
    "history.close": ANYONE,
}

# -- the command line ------------------------------------------------------------------------
CLI_COMMANDS: dict[str, tuple[str, ...] | None] = {
    "run": None,  # the desk app: its own sign-in screen
    "init": None,  # creates the first admin only while there is no account
    "demo": None,
    "export KIND": ("export.run",),
    "export KIND --include-pii": ("export.run", "export.include_pii"),
    "report KIND": ("report.run",),
    "import KIND FILE": ("import.run",),
    "engineers add": ("engineers.manage",),
    "engineers list": ("engineers.duty",),
    "engineers duty": ("engineers.duty",),
    "users add": ("users.manage",),
    "users list": ("users.manage",),
    "users passwd": ("users.manage",),
    "users disable": ("users.manage",),
    "users enable": ("users.manage",),
    "users role": ("users.manage",),
    "users unlock": ("users.unlock",),
    "users recover": None,
    "passwd": ("account.password",),
    "db upgrade": ("db.manage",),
    "db backup": ("db.manage",),
    "db restore": ("db.manage",),  # issue 19.3: signed in, audited in the restored database
    "db check": None,
    "db status": None,
    "serve": None,
    "purge visitors": ("purge.run",),
    "audit verify": ("audit.verify",),
    "notice": None,
    "config path": None,
    "config show": None,
}
# Commands without --user: whoever can read (or replace) the database file can run them.
NO_SIGN_IN = {
    "run": "signs in on its own screen",
    "init": "sets the schema up; asks for the first admin only while no account exists",
    "demo": "fills a new database with sample data",
    "db status": "reads the state of the database: no record's content, no personal data",
    "serve": "serves the desk app: every browser tab signs in on its own screen",
    "users recover": "break-glass when no admin is left: needs the file and the audit key, asks, audited",
    "db check": "reads the file: integrity and the audit chain",
    "notice": "prints the public notice of D-32 (place, hours, office phones); nothing private",
    "config path": "prints where this machine's settings file is; opens no database",
    "config show": "prints this machine's settings (a database password as ***); opens no database",
}

# -- the services: every guarded function ------------------------------------------------------
SERVICES: dict[str, str | tuple[str, ...]] = {
    "admin.maintenance.make_backup": "db.manage",
    "admin.repair_categories.save_category": "repairs.categories",
    "admin.db_status.record_verify": "audit.verify",
    "admin.restore.restore": "db.manage",
    "shift.duty.start_shift": "shift.checkin",
    "shift.duty.close_abandoned": "shift.close_other",
    "shift.handover.sign": "handover.sign",
    "shift.handover.accept": "handover.accept",
    "shift.handover.refuse": "handover.accept",
    "shift.logbook.add_entry": "logbook.add",
    "visitors.slips.register_slip": "visitors.register",
    "visitors.slips.turn_away": "visitors.register",
    "visitors.slips.update_slip": "visitors.register",
    "visitors.slips.check_out": "visitors.checkout",
    "visitors.slips.undo_check_out": "visitors.checkout",
    "visitors.history.search_slips": "visitors.register",
    "visitors.expected.add_expected": "visitors.expect",
    "visitors.expected.cancel_expected": "visitors.expect",
    "visitors.deny.add_deny_entry": "visitors.deny_list",
    "visitors.deny.remove_deny_entry": "visitors.deny_list",
    "visitors.slips.register_slip+deny_override": "visitors.deny_override",
    "inquiries.search.search": "inquiries.search",
    "estate.residents.person_card": "inquiries.search",
    "estate.residents.reveal_phone": "residents.reveal_phone",
    "estate.residents.create_resident": "residents.manage",
    "estate.residents.create_residents": "residents.manage",
    "inquiries.log.open_inquiry": "inquiries.contact",
    "inquiries.log.record_attempt": "inquiries.contact",
    "inquiries.log.correct_attempt": "inquiries.contact",
    "inquiries.log.close_inquiry": "inquiries.contact",
    "inquiries.messages.take_message": "messages.take",
    "inquiries.messages.deliver_message": "messages.deliver",
    "inquiries.promises.make_promise": "promises.make",
    "inquiries.promises.answer_promise": "promises.answer",
    "inquiries.promises.reveal_asker_phone": "residents.reveal_phone",
    "repairs.intake.create_repair_order": "repairs.intake",
    "repairs.status.dispatch": "repairs.update",
    "repairs.status.record_arrival": "repairs.update",
    "repairs.status.mark_repaired": "repairs.update",
    "repairs.status.record_acceptance": "repairs.update",
    "repairs.status.close_order": "repairs.update",
    "repairs.status.cancel_order": "repairs.update",
    "repairs.status.hold_order": "repairs.update",
    "repairs.status.resume_order": "repairs.update",
    "repairs.status.update_order": "repairs.update",
    "repairs.order_print.render_order": "repairs.update",
    "repairs.order_print.render_order+phone": ("repairs.update", "residents.reveal_phone"),
    "repairs.fees.add_fee_line": "repairs.add_fee",
    "repairs.fees.add_offschedule_line": "repairs.add_fee",
    "repairs.fees.accept_fee": "repairs.add_fee",
    "repairs.fees.review_fee_line": "repairs.review_fee",
    "repairs.settlement.settle_order": "repairs.settle",
    "repairs.settlement.set_cost_bearer": "repairs.settle",
    "repairs.settlement.set_estimate": "repairs.settle",
    "repairs.settlement.record_quotation": "repairs.settle",
    "repairs.settlement.accept_quotation": "repairs.settle",
    "repairs.warranty.set_warranty_link": "repairs.warranty_link",
    "repairs.engineers.add_engineer": "engineers.manage",
    "repairs.engineers.set_on_duty": "engineers.duty",
    "repairs.status.mark_called_back": "callbacks.record",
    "repairs.status.reopen_after_callback": "callbacks.record",
    "callbacks.queue.record_attempt": "callbacks.record",
    "callbacks.outcomes.record_callback": "callbacks.record",
    "complaints.handling.intake_complaint": "complaints.intake",
    "complaints.handling.add_step": "complaints.handle",
    "complaints.handling.update_complaint": "complaints.handle",
    "complaints.handling.refer_complaint": "complaints.handle",
    "complaints.handling.close_complaint": "complaints.handle",
    "complaints.handling.reopen_complaint": "complaints.handle",
    "complaints.handling.sign_off_complaint": "complaints.sign_off",
    "complaints.handling.acknowledge_severe": "complaints.sign_off",
    "complaints.categories.save_category": "complaints.categories",
    "complaints.links.link_repair": "complaints.handle",
    "callbacks.queue.reveal_contact": "residents.reveal_phone",
    "complaints.links.unlink_repair": "complaints.handle",
    "complaints.public_areas.record_request": "complaints.intake",
    "complaints.public_areas.decide": "complaints.handle",
    "complaints.public_areas.refer_complaint": "complaints.handle",
    "complaints.communications.record_communication": "communications.record",
    "complaints.communications.complete_follow_up": "communications.record",
    "complaints.communications.link_complaint": "communications.record",
    "inquiries.directory.import_directory_rows": "import.run",
    "inquiries.directory.add_event": "import.run",
    "admin.importer.import_file": "import.run",
    "repairs.fee_schedule.add_schedule_version": "fees.manage",
    "admin.users.add_user": "users.manage",
    "admin.users.set_password": "users.manage",
    "admin.users.set_active": "users.manage",
    "admin.users.set_role": "users.manage",
    "admin.users.unlock": "users.unlock",
    "admin.users.change_own_password": "account.password",
    "visitors.purge.purge_visitors": "purge.run",
    "exports.record_export": "export.run",
    "exports.record_export+pii": ("export.run", "export.include_pii"),
}


def roles_of(permission: str | None) -> frozenset[str]:
    """The roles the table gives a permission (every role for None)."""
    if permission is None:
        return frozenset(ROLES)
    return frozenset(_CODES[c] for c in PERMISSIONS[permission])


def may(role: str, permission: str | None) -> bool:
    return role in roles_of(permission)


def markdown() -> str:
    """The table as people read it: one line per action, one column per role."""
    lines = [
        "| kind | action | permission | operator | supervisor | admin |",
        "|---|---|---|---|---|---|",
    ]

    def row(kind: str, name: str, permission) -> None:
        perms = permission if isinstance(permission, tuple) else (permission,)
        marks = ["yes" if all(may(r, p) for p in perms) else "no" for r in ROLES]
        shown = " + ".join(p for p in perms if p) or "—"
        lines.append(f"| {kind} | `{name}` | {shown} | " + " | ".join(marks) + " |")

    for name, permission in SCREEN_ACTIONS.items():
        if isinstance(permission, dict):
            for view, perm in permission.items():
                row("key", f"{name} ({view})", perm)
        else:
            row("key", name, permission)
    for name, permission in CLI_COMMANDS.items():
        row("cli", f"deskterm {name}", permission if permission else None)
    for name, permission in SERVICES.items():
        row("service", name, permission)
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown())
