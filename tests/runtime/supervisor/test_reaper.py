"""runtime.supervisor.reaper: reading /proc/PID/stat and walking the process tree."""

from runtime.supervisor import reaper


def test_parse_stat_reads_past_a_name_holding_parentheses_and_spaces():
    text = "4242 (evil) S 1 (x) R 7 4242 4242 0 -1 4194560 0 0\n"

    assert reaper.parse_stat(text) == (4242, 7, 4242, "R")


def test_below_finds_every_generation_and_skips_zombies_but_not_their_children():
    processes = [(10, 1, 10, "S"), (11, 10, 11, "S"), (12, 11, 12, "Z"), (13, 12, 13, "S"),
                 (14, 10, 14, "X"), (20, 1, 20, "S"), (21, 20, 20, "S")]

    assert reaper.below(processes, 10) == {11: 11, 13: 13}
