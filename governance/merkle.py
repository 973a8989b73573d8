"""A Merkle tree over a sorted set of leaves, with inclusion proofs (RFC 6962 / RFC 9162 style).

Encoding (what a verifier in any language must reproduce):
- Leaves are byte strings (for receipts: the RFC 8785 canonical JSON of a row, see
  governance.receipts). The tree holds them **sorted ascending by their bytes** (unsigned
  lexicographic order); a duplicate leaf is refused.
- Domain separation as in RFC 6962 section 2.1: a leaf hashes to SHA-256(0x00 || leaf), an inner
  node to SHA-256(0x01 || left || right), so no leaf can pass for a node.
- Odd levels: the tree of n > 1 leaves is the node over the tree of the first k leaves and the tree
  of the rest, k the largest power of two < n (RFC 6962 MTH). Built bottom-up this is the same as
  pairing each level left to right and carrying a last, unpaired node up unchanged (never
  duplicated, so two different leaf sets cannot share a root by repeating the last leaf).
- The root of the empty tree is SHA-256 of the empty string (RFC 6962).
- An inclusion proof of the leaf at (0-based) `index` in a tree of `size` leaves is the RFC 9162
  section 2.1.3 audit path: the sibling hashes from the leaf level up, a carried-up level adding
  none. `verify_inclusion` is the RFC 9162 section 2.1.3.2 algorithm.
Hashes travel as lowercase hex in JSON.
"""

from collections.abc import Iterable, Sequence

from governance.canonical import sha256

LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"
EMPTY_ROOT = sha256(b"")


def leaf_hash(leaf: bytes) -> bytes:
    """SHA-256(0x00 || leaf)."""
    return sha256(LEAF_PREFIX + leaf)


def node_hash(left: bytes, right: bytes) -> bytes:
    """SHA-256(0x01 || left || right)."""
    return sha256(NODE_PREFIX + left + right)


class MerkleTree:
    """The tree of a set of leaves: `root`, `size`, `leaves` (sorted), `index_of`, `proof`.

    Building costs n - 1 node hashes and keeps every level, so each proof is a lookup.
    Raises ValueError for a duplicate leaf, TypeError for a leaf that is not bytes.
    """

    def __init__(self, leaves: Iterable[bytes]):
        ordered = sorted(leaves)
        for leaf in ordered:
            if not isinstance(leaf, bytes):
                raise TypeError("Merkle leaves must be bytes")
        for previous, leaf in zip(ordered, ordered[1:]):
            if previous == leaf:
                raise ValueError("duplicate Merkle leaf")
        self.leaves: tuple[bytes, ...] = tuple(ordered)
        self._positions = {leaf: i for i, leaf in enumerate(self.leaves)}
        level = [leaf_hash(leaf) for leaf in self.leaves]
        self._levels: list[list[bytes]] = [level]
        while len(level) > 1:
            paired = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
            if len(level) % 2:
                paired.append(level[-1])  # the unpaired last node is carried up as it is
            level = paired
            self._levels.append(level)

    @property
    def size(self) -> int:
        return len(self.leaves)

    @property
    def root(self) -> bytes:
        return self._levels[-1][0] if self.leaves else EMPTY_ROOT

    def index_of(self, leaf: bytes) -> int:
        """The position of `leaf` in the sorted tree; raises KeyError when it is not a leaf."""
        return self._positions[leaf]

    def proof(self, index: int) -> list[bytes]:
        """The audit path of the leaf at `index` (leaf level first); raises IndexError."""
        if not 0 <= index < self.size:
            raise IndexError(f"leaf index {index} outside a tree of {self.size}")
        path = []
        for level in self._levels[:-1]:
            sibling = index ^ 1
            if sibling < len(level):
                path.append(level[sibling])
            index //= 2
        return path


def verify_inclusion(
    leaf_digest: bytes, index: int, size: int, path: Sequence[bytes], root: bytes
) -> bool:
    """True iff `path` proves the leaf hash `leaf_digest` at `index` in the tree of `size` leaves
    whose root is `root` (RFC 9162 section 2.1.3.2). Never raises for a malformed proof."""
    if not 0 <= index < size:
        return False
    fn, sn, digest = index, size - 1, leaf_digest
    for sibling in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            digest = node_hash(sibling, digest)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            digest = node_hash(digest, sibling)
        fn >>= 1
        sn >>= 1
    return sn == 0 and digest == root
