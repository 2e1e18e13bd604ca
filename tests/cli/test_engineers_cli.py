"""`deskterm engineers`: the list the desk dispatches to (D-36), kept by a supervisor or admin."""

from __future__ import annotations

BOSS = {"DESKTERM_USER": "boss", "DESKTERM_PASSWORD": "boss-pass-1"}


def test_add_list_and_put_on_duty(cli, desk_db):
    added = cli("engineers", "add", "王师傅", "--trade", "水电", "--db", desk_db, env=BOSS)
    assert added.exit_code == 0, added.stderr
    assert added.output == "Added 王师傅.\n"
    cli("engineers", "add", "老周", "--trade", "木工", "--off-duty", "--db", desk_db, env=BOSS)
    listed = cli("engineers", "list", "--db", desk_db, env=BOSS)
    assert listed.output == "王师傅\t水电\ton duty\n老周\t木工\toff duty\n"
    duty = cli("engineers", "duty", "老周", "on", "--db", desk_db, env=BOSS)
    assert (duty.exit_code, duty.output) == (0, "老周 is on duty.\n")
    again = cli("engineers", "add", "王师傅", "--db", desk_db, env=BOSS)
    assert again.exit_code == 1 and "already on the list" in again.stderr
    unknown = cli("engineers", "duty", "隔壁老王", "off", "--db", desk_db, env=BOSS)
    assert unknown.exit_code == 1 and "not on the list" in unknown.stderr
    bad = cli("engineers", "duty", "老周", "maybe", "--db", desk_db, env=BOSS)
    assert bad.exit_code == 1 and "on or off" in bad.stderr
