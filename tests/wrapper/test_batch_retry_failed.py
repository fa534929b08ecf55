"""`client.batch(..., retry_failed=True)` sends an item whose generation ended failed again
(waiting for that generation once more could only fail again)."""

from __future__ import annotations


def test_a_failed_generation_is_sent_again(imagegen_sandbox, tmp_path):
    client = imagegen_sandbox.client()
    # The first look at the first generation says it failed (it goes on at the server).
    imagegen_sandbox.control.add_fault("getImage", "status_value", value="failed", times=1)
    first = list(client.batch(["a fox", "a cat"], out=tmp_path))
    assert [item.status for item in first] == ["failed", "done"]
    failed_id = first[0].generation_id
    assert failed_id is not None

    assert list(client.batch(["a fox", "a cat"], out=tmp_path)) == []  # failed stays failed
    [retried] = client.batch(["a fox", "a cat"], out=tmp_path, retry_failed=True)
    assert retried.ok
    assert retried.generation_id != failed_id  # a new create, not a wait for the failed one
    assert len(imagegen_sandbox.control.generations()) == 3
