from __future__ import annotations

from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    EmailStr,
    StringConstraints,
    field_validator,
)

from castcart.core.validation import known_country, known_locale
from castcart.money.currency import UnknownCurrencyError, validate_currency

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{1,63}$")]
Password = Annotated[str, StringConstraints(min_length=10, max_length=200)]
Locale = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$"),
    AfterValidator(known_locale),
]
# Real codes only: a 422 for ZZ / xx-YY rather than a silently wrong market.
CountryCode = Annotated[
    str, StringConstraints(pattern=r"^[A-Z]{2}$"), AfterValidator(known_country)
]


class StoreSignupIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    slug: Slug
    name: Annotated[str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True)]
    currency: Annotated[str, StringConstraints(min_length=3, max_length=3)]
    country: CountryCode
    default_locale: Locale = "en"
    owner_email: EmailStr
    owner_password: Password

    @field_validator("currency")
    @classmethod
    def _currency(cls, value: str) -> str:
        try:
            return validate_currency(value)
        except UnknownCurrencyError as exc:
            raise ValueError(str(exc)) from exc


class StoreOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    slug: str
    name: str
    currency: str
    country: str
    default_locale: str


class LoginIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    store: Slug
    email: EmailStr
    password: Annotated[str, StringConstraints(min_length=1, max_length=200)]


class TokenOut(BaseModel):
    token: str
    token_type: str = "bearer"  # noqa: S105 - the OAuth2 token type, not a secret


class StaffIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: EmailStr
    password: Password
    role: Annotated[str, StringConstraints(pattern="^(owner|host|moderator)$")]
    display_name: Annotated[str, StringConstraints(max_length=200)] = ""


class StaffOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    email: str
    display_name: str
    role: str


class MeOut(BaseModel):
    user: StaffOut
    store: StoreOut


class SignupOut(BaseModel):
    store: StoreOut
    owner: StaffOut
    token: str


class GuestSessionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    locale: Locale = "en"
    country: CountryCode | None = None
    display_name: Annotated[str, StringConstraints(max_length=80, strip_whitespace=True)] = ""


class ShopperOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    email: str | None
    display_name: str
    locale: str
    country: str | None


class ShopperSessionOut(BaseModel):
    token: str
    shopper: ShopperOut


class ShopperRegisterIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: EmailStr
    password: Password


class ShopperLoginIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: EmailStr
    password: Annotated[str, StringConstraints(min_length=1, max_length=200)]
