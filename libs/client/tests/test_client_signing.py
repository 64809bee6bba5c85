"""Delivery URLs signed locally match imgproxy's documented algorithm."""

import base64

from imageplatform import delivery_path, imgproxy_signature

# The worked example of imgproxy's "Signing a URL" documentation: key "secret", salt "hello".
DOC_KEY, DOC_SALT = "736563726574", "68656C6C6F"
DOC_PATH = "/rs:fill:300:400:0/g:sm/aHR0cDovL2V4YW1w/bGUuY29tL2ltYWdl/cy9jdXJpb3NpdHku/anBn.png"
DOC_SIGNATURE = "oKfUtW34Dvo2BGQehJFR4Nr0_rIjOtdtzJ3QFsUcXH8"

ACCOUNT = "6f1c1f0e-8f7a-4f4e-9d7e-2b2f7f1f0a11"
IMAGE = "0b9d3c2a-1111-4222-8333-444455556666"


def test_signature_matches_imgproxys_worked_example() -> None:
    assert imgproxy_signature(DOC_KEY, DOC_SALT, DOC_PATH) == DOC_SIGNATURE


def test_plain_source_url_shape_and_what_is_signed() -> None:
    url = delivery_path(
        ACCOUNT, IMAGE, key=DOC_KEY, salt=DOC_SALT, options="rs:fill:300:200/q:80", extension="webp"
    )
    prefix, account, signature, *rest = url.split("/")[1:]
    assert (prefix, account) == ("d", ACCOUNT)
    signed = "/" + "/".join(rest)
    assert signed == f"/rs:fill:300:200/q:80/plain/{IMAGE}@webp"
    assert signature == imgproxy_signature(DOC_KEY, DOC_SALT, signed)
    assert "=" not in signature and "+" not in signature and "/" not in signature


def test_base64_source_form() -> None:
    url = delivery_path(
        ACCOUNT,
        IMAGE,
        key=DOC_KEY,
        salt=DOC_SALT,
        options=["pr:thumb"],
        extension="png",
        encoded=True,
    )
    encoded = base64.urlsafe_b64encode(IMAGE.encode()).rstrip(b"=").decode()
    assert url.endswith(f"/pr:thumb/{encoded}.png")


def test_a_different_key_or_path_gives_a_different_signature() -> None:
    base = imgproxy_signature(DOC_KEY, DOC_SALT, DOC_PATH)
    assert imgproxy_signature("73656372657475", DOC_SALT, DOC_PATH) != base
    assert imgproxy_signature(DOC_KEY, DOC_SALT, DOC_PATH.replace("300", "301")) != base
