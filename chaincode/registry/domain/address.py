"""Dutch addresses, normalised for finding parcels by them: a parcel's free-text `address` read as
street, house number with addition, postcode and town, and a clerk's search text read as the same.

Postcodes are written "9801AA" (four digits, the first not 0, two capital letters); a house number
is 1-99999 with an optional addition ("1a", "1-A" and "1 - a" are all number 1, addition "A");
street and town are folded: lower case, accents removed, anything but letters and digits a single
space, so "'s-Gravenhage" is "s gravenhage" and "Hoofdstraat" matches "HOOFDSTRAAT".

The index lives on the ledger, in the registry chaincode: the transaction that registers, splits
or merges a parcel writes its entries and removes those of the parcels it retires, so the index is
always in step with the parcels (an off-chain index in a gateway would lag behind the blocks, need
its own store and rebuild, and serve one gateway only), and every peer answers a search with a
range query that reads one page of keys whatever the size of the register. This module decides
which entries an address has and which entries a search text asks for; storage/keys.py lays them
out as keys.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from .errors import ErrorCode, RegistryError

_POSTCODE = re.compile(r"(?<![0-9A-Za-z])([1-9][0-9]{3}) ?([A-Za-z]{2})(?![A-Za-z])")
_PARTIAL_POSTCODE = re.compile(r"^([1-9][0-9]{3}) ?([A-Za-z]?)$")
# A house number, then an addition written against it or after a hyphen: "1", "1a", "12-B", "7 - 2".
_HOUSE_NUMBER = re.compile(r"(?<![0-9A-Za-z])([1-9][0-9]{0,4})(?:\s*-\s*([0-9A-Za-z]{1,4})|([A-Za-z]{1,4}))?"
                           r"(?![0-9A-Za-z])")
MAX_QUERY_LENGTH = 200


def fold(text: str) -> str:
    """Lower case without accents; runs of anything but letters and digits become one space."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[^0-9a-z]+", " ", bare).split())


@dataclass(frozen=True)
class HouseNumber:
    number: str  # digits, no leading zero
    addition: str = ""  # folded to capitals, "" without one

    @classmethod
    def of(cls, match: re.Match[str]) -> HouseNumber:
        return cls(match.group(1), (match.group(2) or match.group(3) or "").upper())


@dataclass(frozen=True)
class Address:
    """The parts of a parcel's address this registry can read; a part it cannot find is ""."""

    street: str = ""
    number: HouseNumber | None = None
    postcode: str = ""
    town: str = ""

    @classmethod
    def parse(cls, text: str) -> Address:
        """Reads "Hoofdstraat 1a, 9801 AA Zuidhorn", "Hoofdstraat 1a Zuidhorn" and the like."""
        postcode, before, after = _split_postcode(text)
        found = _HOUSE_NUMBER.search(before)
        if found is None:
            return cls(street=fold(before), postcode=postcode, town=fold(after))
        rest = before[found.end():]
        return cls(street=fold(before[: found.start()]), number=HouseNumber.of(found), postcode=postcode,
                   town=fold(after if postcode else rest))

    def index_entries(self) -> tuple[IndexEntry, ...]:
        """The entries that find this address: by postcode, by street, and by town and street."""
        entries = []
        number = (self.number.number, self.number.addition) if self.number else ("", "")
        if self.postcode:
            entries.append(IndexEntry(AddressIndex.POSTCODE, (self.postcode, *number)))
        if self.street:
            entries.append(IndexEntry(AddressIndex.STREET, (self.street, *number, self.town)))
            if self.town:
                entries.append(IndexEntry(AddressIndex.TOWN, (self.town, self.street, *number)))
        return tuple(entries)


class AddressIndex(StrEnum):
    POSTCODE = "postcode"  # postcode, number, addition
    STREET = "street"  # street, number, addition, town
    TOWN = "town"  # town, street, number, addition


@dataclass(frozen=True)
class IndexEntry:
    """One index entry of a parcel's address: the parcel id follows `attributes` in the key."""

    index: AddressIndex
    attributes: tuple[str, ...]


@dataclass(frozen=True)
class AddressSearch:
    """What a search text asks of one index: entries whose first attributes equal `exact` and whose
    next attribute starts with `partial` ("" asks nothing of it)."""

    index: AddressIndex
    exact: tuple[str, ...]
    partial: str = ""

    @classmethod
    def parse(cls, text: str) -> AddressSearch:
        """Postcode and number ("9801 AA 1", "9801aa, 1a", or only "9801" as typed), or street,
        number and town ("Hoofdstraat 1 Zuidhorn", "Hoofdstraat, Zuidhorn", or "Hoofdstr" as typed)."""
        if len(text) > MAX_QUERY_LENGTH:
            raise RegistryError(ErrorCode.INVALID_ARGUMENT,
                                f"an address to search for has at most {MAX_QUERY_LENGTH} characters")
        if (partial := _PARTIAL_POSTCODE.match(text.strip())) is not None:
            return cls(AddressIndex.POSTCODE, (), "".join(partial.groups()).upper())
        postcode, before, after = _split_postcode(text)
        if postcode:
            found = _HOUSE_NUMBER.search(after) or _HOUSE_NUMBER.search(before)
            return cls(AddressIndex.POSTCODE, (postcode, *_number_parts(found)))
        found = _HOUSE_NUMBER.search(text)
        if found is not None:
            street, town = fold(text[: found.start()]), fold(text[found.end():])
            number = _number_parts(found)
            if not street:
                raise RegistryError(ErrorCode.INVALID_ARGUMENT,
                                    f"the address {text!r} has a house number but no street or postcode")
            if town:
                return cls(AddressIndex.TOWN, (town, street, *number))
            return cls(AddressIndex.STREET, (street, *number))
        street, _, town = text.partition(",")
        if fold(town) and fold(street):
            return cls(AddressIndex.TOWN, (fold(town),), fold(street))
        if not fold(text):
            raise RegistryError(ErrorCode.INVALID_ARGUMENT,
                                "an address to search for needs a postcode, or a street with letters or digits")
        return cls(AddressIndex.STREET, (), fold(text))


def _split_postcode(text: str) -> tuple[str, str, str]:
    """(postcode, the text before it, the text after it), or ("", text, "") without a postcode."""
    found = _POSTCODE.search(text)
    if found is None:
        return "", text, ""
    return (found.group(1) + found.group(2).upper(), text[: found.start()], text[found.end():])


def _number_parts(found: re.Match[str] | None) -> tuple[str, ...]:
    """The exact attributes a searched house number fixes: its number, and its addition if given."""
    if found is None:
        return ()
    number = HouseNumber.of(found)
    return (number.number, number.addition) if number.addition else (number.number,)
