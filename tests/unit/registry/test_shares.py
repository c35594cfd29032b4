from datetime import datetime, timezone
from fractions import Fraction

import pytest
from hypothesis import given, strategies as st
from pydantic import ValidationError

from grootboek.chaincode.registry.domain.errors import ErrorCode
from grootboek.chaincode.registry.domain.ownership import Ownership, OwnershipCause
from grootboek.chaincode.registry.domain.shares import Share, require_whole

from .desk import refused

NOW = datetime(2024, 1, 1, tzinfo=timezone.utc)


def test_shares_are_exact_fractions_written_as_numerator_over_denominator():
    share = Share(party="p1", share="1/3")
    assert share.share == Fraction(1, 3)
    assert share.model_dump(mode="json") == {"party": "p1", "share": "1/3"}
    assert Share(party="p1", share="1/1").model_dump(mode="json")["share"] == "1/1"


@pytest.mark.parametrize("text", ["2/4", "0.5", "1", "3/2", "0/1", "-1/2", "1/0", " 1/2", 0.5, 1])
def test_only_the_canonical_spelling_of_a_share_is_accepted(text):
    with pytest.raises(ValidationError, match="share"):
        Share(party="p1", share=text)


def test_whole_ownership_sums_to_exactly_one_and_is_sorted_by_party():
    owners = require_whole([Share(party="b", share="2/3"), Share(party="a", share="1/3")])
    assert [s.party for s in owners] == ["a", "b"]
    with refused(ErrorCode.SHARES_DO_NOT_SUM):
        require_whole([Share(party="a", share="1/3"), Share(party="b", share="1/3")])
    with refused(ErrorCode.INVALID_ARGUMENT):
        require_whole([Share(party="a", share="1/2"), Share(party="a", share="1/2")])
    with refused(ErrorCode.INVALID_ARGUMENT):
        require_whole([])


def _split(total: Fraction, weights: list[int]) -> list[Fraction]:
    """Divides `total` into exact parts proportional to `weights`."""
    parts = [total * w / sum(weights) for w in weights]
    return [*parts[:-1], total - sum(parts[:-1])]


@given(
    owner_weights=st.lists(st.integers(1, 50), min_size=1, max_size=6),
    seller_mask=st.lists(st.booleans(), min_size=6, max_size=6),
    buyer_weights=st.lists(st.integers(1, 50), min_size=1, max_size=4),
)
def test_a_transfer_keeps_the_shares_summing_to_one(owner_weights, seller_mask, buyer_weights):
    owners = [Share(party=f"o{i}", share=f) for i, f in enumerate(_split(Fraction(1), owner_weights))]
    ownership = Ownership.first("GNG00-K-1", owners, NOW, OwnershipCause.REGISTRATION)
    sellers = [s.party for s, sells in zip(owners, seller_mask) if sells] or [owners[0].party]
    sold = sum(s.share for s in owners if s.party in sellers)
    # Buyers may already be owners: o0 buys back in, so shares of one party must add up.
    buyers = [
        Share(party=f"o{i}" if i == 0 else f"b{i}", share=f)
        for i, f in enumerate(_split(sold, buyer_weights))
    ]
    after = ownership.after_transfer(sellers, buyers, NOW, "tr_1")
    assert sum(s.share for s in after.owners) == 1
    assert after.version == 2 and after.reference == ("tr_1",)
    assert {s.party for s in after.owners} == ({s.party for s in owners} - set(sellers)) | {
        b.party for b in buyers
    }


def test_a_transfer_needs_sellers_who_own_and_buyers_who_receive_exactly_their_shares():
    ownership = Ownership.first(
        "GNG00-K-1",
        [Share(party="a", share="1/2"), Share(party="b", share="1/2")],
        NOW,
        OwnershipCause.REGISTRATION,
    )
    with refused(ErrorCode.NOT_OWNER):
        ownership.require_transferable(["c"], [Share(party="d", share="1/2")])
    with refused(ErrorCode.SHARES_DO_NOT_SUM):
        ownership.require_transferable(["a"], [Share(party="d", share="1/3")])
    ownership.require_transferable(["a", "b"], [Share(party="d", share="1/1")])
