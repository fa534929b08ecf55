"""`imagegen list` and `imagegen get` show a generation whose status the client does not know
(it is read as the raw string), instead of failing the whole page with exit 10."""

from __future__ import annotations

import re

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def test_list_and_get_show_an_unknown_status(cli, sandbox):
    assert cli("generate", "--sandbox", "a fox", "--no-wait").code == 0
    sandbox.advance(200)
    made = cli("generate", "--sandbox", "sandbox:status=canceled sandbox:duration=5", "--no-wait")
    assert made.code == 0, made.err
    sandbox.advance(200)

    listed = cli("list", "--sandbox", "--json")
    assert listed.code == 0, listed.err
    statuses = [g["status"] for g in listed.document["generations"]]
    assert statuses == ["canceled", "succeeded"]

    plain = cli("list", "--sandbox")
    assert plain.code == 0, plain.err
    assert re.search(rf"^({UUID})  canceled ", plain.out, re.M)
    canceled_id = re.search(rf"^({UUID})  canceled ", plain.out, re.M).group(1)

    shown = cli("get", "--sandbox", canceled_id, "--json")
    assert shown.code == 0, shown.err
    assert shown.document["status"] == "canceled"
