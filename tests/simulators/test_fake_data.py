"""Shared Faker providers, private streams: a user's draws depend on its seed alone."""

from __future__ import annotations

import threading

from faker import Faker

from simulators.fake_data import SeededFaker


def _draws(faker: SeededFaker | Faker, n: int = 20) -> list[str]:
    return [f"{faker.name()}|{faker.numerify('%######')}|{faker.city()}" for _ in range(n)]


def test_draws_are_those_of_a_faker_seeded_alike() -> None:
    own = Faker("de_DE", use_weighting=False)
    own.seed_instance(42)
    assert _draws(SeededFaker("de_DE", 42)) == _draws(own)


def test_interleaved_users_do_not_shift_each_other() -> None:
    alone = _draws(SeededFaker("en_US", 1))
    first, second = SeededFaker("en_US", 1), SeededFaker("en_US", 2)
    mixed = []
    for _ in range(20):
        second.name()
        mixed.append(_draws(first, 1)[0])
    assert mixed == alone


def test_threads_drawing_at_once_keep_their_own_streams() -> None:
    expected = {seed: _draws(SeededFaker("ja_JP", seed), 200) for seed in range(4)}
    got: dict[int, list[str]] = {}

    def run(seed: int) -> None:
        got[seed] = _draws(SeededFaker("ja_JP", seed), 200)

    threads = [threading.Thread(target=run, args=(seed,)) for seed in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert got == expected


def test_it_copies_like_any_object() -> None:
    import copy

    faker = SeededFaker("en_US", 3)
    twin = copy.deepcopy(faker)
    assert _draws(twin) == _draws(faker)
