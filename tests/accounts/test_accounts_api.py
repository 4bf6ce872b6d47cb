"""Sign-up, staff login and roles, shopper guest sessions and accounts."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.helpers import PASSWORD, Api, bearer


def test_signup_validates_input(client: TestClient, api: Api) -> None:
    base = {
        "slug": "acme",
        "name": "Acme",
        "currency": "EUR",
        "country": "DE",
        "owner_email": "owner@acme.example.com",
        "owner_password": PASSWORD,
    }
    for field, value in [
        ("currency", "XXY"),
        ("country", "de"),
        ("slug", "Bad Slug"),
        ("owner_password", "short"),
        ("owner_email", "not-an-email"),
    ]:
        response = client.post("/api/v1/stores", json={**base, field: value})
        assert response.status_code == 422, field
        body = response.json()
        assert body["code"] == "validation_error"
        assert body["details"][0]["loc"][-1] == field
    api.store("acme")
    taken = client.post("/api/v1/stores", json=base)
    assert taken.status_code == 409
    assert taken.json() == {
        "code": "slug_taken",
        "message": "store slug 'acme' is taken",
        "details": None,
    }


def test_signup_normalises_currency(api: Api) -> None:
    store = api.store(currency="jpy", country="JP")
    assert store["store"]["currency"] == "JPY"


def test_login_logout_and_me(client: TestClient, api: Api) -> None:
    store = api.store("acme")
    ok = client.post(
        "/api/v1/auth/login",
        json={"store": "acme", "email": "OWNER@acme.example.com", "password": PASSWORD},
    )
    assert ok.status_code == 200
    token = ok.json()["token"]
    me = api.ok("GET", "/api/v1/auth/me", headers=bearer(token))
    assert me["user"]["role"] == "owner"
    assert me["store"]["id"] == store["store"]["id"]
    assert client.post("/api/v1/auth/logout", headers=bearer(token)).status_code == 204
    revoked = client.get("/api/v1/auth/me", headers=bearer(token))
    assert revoked.status_code == 401
    assert revoked.json()["code"] == "invalid_token"
    assert revoked.headers["WWW-Authenticate"] == "Bearer"


def test_login_failures_do_not_say_which_part_was_wrong(client: TestClient, api: Api) -> None:
    api.store("acme")
    for body in (
        {"store": "acme", "email": "owner@acme.example.com", "password": "nope"},
        {"store": "acme", "email": "who@acme.example.com", "password": PASSWORD},
        {"store": "nostore", "email": "owner@acme.example.com", "password": PASSWORD},
    ):
        response = client.post("/api/v1/auth/login", json=body)
        assert response.status_code == 401
        assert response.json()["code"] == "invalid_credentials"


def test_missing_or_garbage_token(client: TestClient) -> None:
    assert client.get("/api/v1/products").json()["code"] == "token_missing"
    response = client.get("/api/v1/products", headers=bearer("ccs_garbage"))
    assert response.status_code == 401


def test_roles_limit_what_staff_can_do(client: TestClient, api: Api) -> None:
    store = api.store("acme")
    for role in ("host", "moderator"):
        api.ok(
            "POST",
            "/api/v1/staff",
            201,
            headers=store["headers"],
            json={"email": f"{role}@acme.example.com", "password": PASSWORD, "role": role},
        )
    dup = client.post(
        "/api/v1/staff",
        headers=store["headers"],
        json={"email": "host@acme.example.com", "password": PASSWORD, "role": "host"},
    )
    assert dup.status_code == 409
    tokens = {}
    for role in ("host", "moderator"):
        tokens[role] = bearer(
            api.ok(
                "POST",
                "/api/v1/auth/login",
                json={"store": "acme", "email": f"{role}@acme.example.com", "password": PASSWORD},
            )["token"]
        )
    product_body = {
        "handle": "x",
        "translations": [{"locale": "en", "title": "X"}],
        "variants": [{"sku": "X-1", "price_amount": 100}],
    }
    denied = client.post("/api/v1/products", headers=tokens["host"], json=product_body)
    assert denied.status_code == 403
    assert denied.json()["details"] == {"permission": "catalog.write"}
    assert client.get("/api/v1/products", headers=tokens["host"]).status_code == 200
    show = api.show(store)
    go_live = client.post(
        f"/api/v1/shows/{show['id']}/transition", headers=tokens["host"], json={"to": "live"}
    )
    assert go_live.status_code == 200
    assert (
        client.post(
            f"/api/v1/shows/{show['id']}/transition",
            headers=tokens["moderator"],
            json={"to": "ended"},
        ).status_code
        == 403
    )
    assert client.get("/api/v1/orders", headers=tokens["moderator"]).status_code == 403
    assert (
        client.post(
            "/api/v1/staff",
            headers=tokens["host"],
            json={"email": "x@acme.example.com", "password": PASSWORD, "role": "owner"},
        ).status_code
        == 403
    )
    staff = api.ok("GET", "/api/v1/staff", headers=store["headers"])
    assert sorted(s["role"] for s in staff) == ["host", "moderator", "owner"]


def test_guest_becomes_account_and_keeps_cart(client: TestClient, api: Api) -> None:
    store = api.store("acme")
    warehouse = api.warehouse(store)
    product = api.product(store, warehouse=warehouse)
    guest = api.shopper(store)
    api.add_to_cart(guest, product["variants"][0]["id"], 2)
    account = api.ok(
        "POST",
        "/api/v1/shop/acme/account",
        headers=guest["headers"],
        json={"email": "ana@example.com", "password": PASSWORD},
    )
    assert account["email"] == "ana@example.com"
    again = client.post(
        "/api/v1/shop/acme/account",
        headers=guest["headers"],
        json={"email": "ana2@example.com", "password": PASSWORD},
    )
    assert again.json()["code"] == "already_registered"
    other = api.shopper(store)
    taken = client.post(
        "/api/v1/shop/acme/account",
        headers=other["headers"],
        json={"email": "ana@example.com", "password": PASSWORD},
    )
    assert taken.json()["code"] == "email_taken"

    login = api.ok(
        "POST", "/api/v1/shop/acme/login", json={"email": "ana@example.com", "password": PASSWORD}
    )
    assert login["shopper"]["id"] == guest["shopper"]["id"]
    cart = api.ok("GET", "/api/v1/shop/acme/cart", headers=bearer(login["token"]))
    assert cart["lines"][0]["quantity"] == 2
    wrong = client.post(
        "/api/v1/shop/acme/login", json={"email": "ana@example.com", "password": "wrong password"}
    )
    assert wrong.status_code == 401


def test_tokens_are_not_interchangeable(client: TestClient, api: Api) -> None:
    store = api.store("acme")
    other = api.store("other")
    guest = api.shopper(store)
    assert client.get("/api/v1/products", headers=guest["headers"]).status_code == 401
    assert client.get("/api/v1/shop/acme/cart", headers=store["headers"]).status_code == 401
    # A shopper session of one store is not valid in another store.
    foreign = client.get(f"/api/v1/shop/{other['store']['slug']}/cart", headers=guest["headers"])
    assert foreign.status_code == 401
    assert client.get("/api/v1/shop/nostore/products").status_code == 404


def test_page_session_cookie_with_csrf(client: TestClient, api: Api) -> None:
    store = api.store("acme")
    login = client.post(
        "/api/v1/auth/session",
        json={"store": "acme", "email": "owner@acme.example.com", "password": PASSWORD},
    )
    assert login.status_code == 204
    set_cookie = login.headers.get_list("set-cookie")
    session_cookie = next(c for c in set_cookie if c.startswith("castcart_session="))
    assert "HttpOnly" in session_cookie
    assert "samesite=lax" in session_cookie.lower()
    # The client now carries the cookies: reads work without a bearer token.
    me = client.get("/api/v1/auth/me")
    assert me.status_code == 200
    assert me.json()["store"]["id"] == store["store"]["id"]
    body = {"code": "MAIN2", "name": "Main", "country": "DE"}
    forged = client.post("/api/v1/warehouses", json=body)
    assert forged.status_code == 403
    assert forged.json()["code"] == "csrf_failed"
    wrong = client.post("/api/v1/warehouses", json=body, headers={"X-CSRF-Token": "guess"})
    assert wrong.status_code == 403
    csrf = client.cookies["castcart_csrf"]
    ok = client.post("/api/v1/warehouses", json=body, headers={"X-CSRF-Token": csrf})
    assert ok.status_code == 201
    session_token = client.cookies["castcart_session"]
    out = client.post("/api/v1/auth/logout", headers={"X-CSRF-Token": csrf})
    assert out.status_code == 204
    client.cookies.clear()
    assert client.get("/api/v1/auth/me").status_code == 401
    # The server revoked the session too: replaying the old cookie does not work.
    client.cookies.set("castcart_session", session_token)
    assert client.get("/api/v1/auth/me").status_code == 401
