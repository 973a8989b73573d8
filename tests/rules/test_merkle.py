"""The Merkle tree of governance.merkle against the RFC 6962 / RFC 9162 definitions.

Proofs: every leaf of every tree of 1 to 257 leaves (every shape of up to nine levels, odd sizes
and carried-up nodes included) and of 999 and 1,000 leaves; for every size from 1 to 1,000, the
root against the RFC 6962 definition and the proofs of the leaves at the edges of every subtree
(first, last, middle, both sides of each power of two). Exhaustive proofs for all 500,500 leaves
of sizes 1 to 1,000 take 10+ s of hashing on this machine for no shape the above misses.
"""

from functools import lru_cache

import pytest

from governance.merkle import EMPTY_ROOT, MerkleTree, leaf_hash, node_hash, verify_inclusion

LEAVES = [f"leaf-{i:04d}".encode() for i in range(1000)]  # already sorted by bytes


def _split(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


@lru_cache(maxsize=None)
def reference_root(start: int, end: int) -> bytes:
    """RFC 6962 section 2.1 MTH(D[start:end]), straight from the definition."""
    if end - start == 1:
        return leaf_hash(LEAVES[start])
    k = _split(end - start)
    return node_hash(reference_root(start, start + k), reference_root(start + k, end))


def reference_path(m: int, start: int, end: int) -> list[bytes]:
    """RFC 9162 section 2.1.3.1 PATH(m, D[start:end]), straight from the definition."""
    if end - start == 1:
        return []
    k = _split(end - start)
    if m < k:
        return reference_path(m, start, start + k) + [reference_root(start + k, end)]
    return reference_path(m - k, start + k, end) + [reference_root(start, start + k)]


def edge_indices(n: int) -> set[int]:
    indices = {0, 1, n // 2, n - 2, n - 1}
    k = 1
    while k < n:
        indices |= {k - 1, k}
        k *= 2
    return {i for i in indices if 0 <= i < n}


def assert_proofs(tree: MerkleTree, indices) -> None:
    for i in indices:
        proof = tree.proof(i)
        assert verify_inclusion(leaf_hash(tree.leaves[i]), i, tree.size, proof, tree.root), (tree.size, i)


def test_every_leaf_of_every_tree_up_to_257_leaves_has_the_rfc9162_proof():
    for n in range(1, 258):
        tree = MerkleTree(LEAVES[:n])
        assert tree.root == reference_root(0, n)
        for i in range(n):
            assert tree.proof(i) == reference_path(i, 0, n), (n, i)
        assert_proofs(tree, range(n))


@pytest.mark.parametrize("n", [999, 1000])
def test_every_leaf_of_the_largest_trees_verifies(n):
    assert_proofs(MerkleTree(LEAVES[:n]), range(n))


def test_every_size_up_to_1000_has_the_rfc6962_root_and_edge_proofs_verify():
    for n in range(1, 1001):
        tree = MerkleTree(LEAVES[:n])
        assert tree.size == n
        assert tree.root == reference_root(0, n), n
        assert_proofs(tree, edge_indices(n))


def test_leaves_are_sorted_by_their_bytes_whatever_the_input_order():
    assert MerkleTree(reversed(LEAVES[:37])).root == MerkleTree(LEAVES[:37]).root
    assert MerkleTree([b"b", b"a", b"ab"]).leaves == (b"a", b"ab", b"b")


def test_leaf_and_node_hashes_are_domain_separated():
    left, right = leaf_hash(b"x"), leaf_hash(b"y")
    # A leaf whose bytes are the concatenation of two hashes is not the node over them.
    assert leaf_hash(left + right) != node_hash(left, right)
    assert MerkleTree([b"x"]).root == leaf_hash(b"x") != MerkleTree([left + right]).root


def test_the_last_leaf_is_carried_up_not_duplicated():
    three = MerkleTree([b"a", b"b", b"c"])
    assert three.root == node_hash(node_hash(leaf_hash(b"a"), leaf_hash(b"b")), leaf_hash(b"c"))
    assert three.root != MerkleTree([b"a", b"b", b"c", b"c\x00"]).root


def test_empty_tree_root_is_sha256_of_nothing_and_has_no_proofs():
    tree = MerkleTree([])
    assert (tree.size, tree.root) == (0, EMPTY_ROOT)
    with pytest.raises(IndexError):
        tree.proof(0)


def test_duplicate_and_non_bytes_leaves_are_refused():
    with pytest.raises(ValueError):
        MerkleTree([b"a", b"b", b"a"])
    with pytest.raises(TypeError):
        MerkleTree(["a"])


def test_index_of_finds_a_leaf_in_sorted_order():
    tree = MerkleTree([b"c", b"a", b"b"])
    assert tree.index_of(b"c") == 2
    with pytest.raises(KeyError):
        tree.index_of(b"d")


# --- tampering -------------------------------------------------------------------------------

TREE = MerkleTree(LEAVES[:13])
INDEX = 6
PROOF = TREE.proof(INDEX)
DIGEST = leaf_hash(TREE.leaves[INDEX])


def test_the_untampered_proof_verifies():
    assert verify_inclusion(DIGEST, INDEX, TREE.size, PROOF, TREE.root)


@pytest.mark.parametrize("position", range(len(PROOF)))
def test_a_changed_path_node_is_refused(position):
    path = list(PROOF)
    path[position] = bytes([path[position][0] ^ 1]) + path[position][1:]
    assert not verify_inclusion(DIGEST, INDEX, TREE.size, path, TREE.root)


def test_a_changed_leaf_is_refused():
    assert not verify_inclusion(leaf_hash(b"leaf-9999"), INDEX, TREE.size, PROOF, TREE.root)
    # The leaf's bytes must be hashed as a leaf: the raw leaf or its node-style hash fails.
    assert not verify_inclusion(TREE.leaves[INDEX], INDEX, TREE.size, PROOF, TREE.root)


@pytest.mark.parametrize("index, size", [(5, 13), (7, 13), (6, 8), (6, 17), (6, 6), (-1, 13)])
def test_a_wrong_index_or_size_is_refused(index, size):
    assert not verify_inclusion(DIGEST, index, size, PROOF, TREE.root)


def test_the_root_does_not_fix_the_size_so_receipts_sign_it():
    # RFC 9162 verification only uses the size to place carried-up nodes: sizes 9 to 16 give
    # leaf 6 the same path shape here. The tree size must come from a signed source (a receipt's
    # "size"), never from the proof alone.
    assert verify_inclusion(DIGEST, INDEX, 12, PROOF, TREE.root)


def test_a_shortened_or_lengthened_path_is_refused():
    assert not verify_inclusion(DIGEST, INDEX, TREE.size, PROOF[:-1], TREE.root)
    assert not verify_inclusion(DIGEST, INDEX, TREE.size, PROOF + [PROOF[0]], TREE.root)


def test_a_proof_against_another_root_is_refused():
    other = MerkleTree(LEAVES[:12] + [b"leaf-x"])
    assert not verify_inclusion(DIGEST, INDEX, TREE.size, PROOF, other.root)
