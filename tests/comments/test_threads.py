"""Thread building: display order, depth limit, hidden ancestors (no database needed)."""

from __future__ import annotations

from types import SimpleNamespace

from app.comments.threads import build_tree


def fake(id_: int, path: str):
    return SimpleNamespace(id=id_, path=path,
                           ancestor_ids=[int(p) for p in path.split(".")[:-1]])


def shape(nodes, depth=0):
    out = []
    for node in nodes:
        out.append((node.response.id, node.depth))
        out.extend(shape(node.children, depth + 1))
    return out


def p(*ids):
    return ".".join(f"{i:010d}" for i in ids)


def test_replies_nest_under_their_parents_in_path_order():
    rows = [fake(1, p(1)), fake(3, p(1, 3)), fake(5, p(1, 3, 5)), fake(4, p(1, 4)),
            fake(2, p(2))]
    roots = build_tree(rows, max_depth=5)
    assert [n.response.id for n in roots] == [1, 2]
    assert shape(roots) == [(1, 0), (3, 1), (5, 2), (4, 1), (2, 0)]


def test_replies_below_the_depth_limit_attach_to_the_deepest_allowed_ancestor():
    chain = [fake(i, p(*range(1, i + 1))) for i in range(1, 8)]  # 1 > 2 > ... > 7
    roots = build_tree(chain, max_depth=3)
    assert shape(roots) == [(1, 0), (2, 1), (3, 2), (4, 2), (5, 2), (6, 2), (7, 2)]
    second = roots[0].children[0]
    assert [n.response.id for n in second.children] == [3, 4, 5, 6, 7]


def test_depth_one_is_a_flat_list():
    rows = [fake(1, p(1)), fake(2, p(1, 2)), fake(3, p(1, 2, 3))]
    assert shape(build_tree(rows, max_depth=1)) == [(1, 0), (2, 0), (3, 0)]


def test_a_reply_whose_parent_is_hidden_hangs_under_the_nearest_shown_ancestor():
    rows = [fake(1, p(1)), fake(3, p(1, 2, 3))]  # 2 is in the trash
    assert shape(build_tree(rows, max_depth=5)) == [(1, 0), (3, 1)]
    orphan_only = [fake(3, p(1, 2, 3))]
    assert shape(build_tree(orphan_only, max_depth=5)) == [(3, 0)]
