#!/usr/bin/env python3
"""Differential test data for the RPC signature V1 signer, computed by the official SDKs.

Generates random param sets (seeded, so reproducible) and signs each with the official
Python SDKs:

  * aliyun-python-sdk-core: rpc_signature_composer.__compose_string_to_sign and
    __get_signature (sha_hmac1), the canonical query being the SDK's own
    __pop_standard_urlencode(urlencode(sorted params));
  * alibabacloud-tea-openapi: Utils.get_rpcsignature (and alibabacloud-openapi-util's
    Client.get_rpcsignature, the same code), whose signature must be the same.

A case where the two SDKs disagree stops the script. Keys and values mix unreserved ASCII,
every other ASCII byte (controls and DEL included), space, `+`, `%`, `=`, `&`, UTF-8 of
2, 3 and 4 bytes, empty values, values past 1 KiB; 1 to 40 params (no duplicate keys: the
SDKs take a dict), GET and POST, secrets from empty to past the 64-byte HMAC block.

`cargo test` never runs this script: its output is committed as
linkwan-runtime/tests/data/signature_v1_random.json (read by tests/vectors_edges.rs), and
the raw requests of the SDKs' own clients (mode `requests`) as SDK_REQUESTS in
linkwan-runtime/tests/mock_server.rs.
To rerun (Python 3.8 or newer, 3.11 here; outside the repository):

    python3 -m venv /tmp/sdk && /tmp/sdk/bin/pip install \
        aliyun-python-sdk-core==2.16.1 alibabacloud-tea-openapi==0.4.6 \
        alibabacloud-openapi-util==0.2.4
    /tmp/sdk/bin/python scripts/signature_v1_difftest.py select \
        linkwan-runtime/tests/data/signature_v1_random.json
    # every generated case, for a differential run of thousands (run by an ignored test):
    /tmp/sdk/bin/python scripts/signature_v1_difftest.py all 20000 /tmp/all.json
    SIGNATURE_V1_CASES=/tmp/all.json cargo test -p linkwan-runtime --release \
        --test vectors_edges -- --ignored
    # the raw requests of both SDKs' clients, replayed by tests/mock_server.rs:
    /tmp/sdk/bin/python scripts/signature_v1_difftest.py requests
"""

import json
import random
import sys
from importlib.metadata import version
from urllib.parse import unquote, urlencode

from aliyunsdkcore.auth.composer import rpc_signature_composer as composer
from alibabacloud_openapi_util.client import Client as OpenApiUtil
from alibabacloud_tea_openapi.utils import Utils as TeaUtils

SEED = 20261127
COMPOSE = getattr(composer, "__compose_string_to_sign")
GET_SIGNATURE = getattr(composer, "__get_signature")
POP = getattr(composer, "__pop_standard_urlencode")

UNRESERVED = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~"
RESERVED = "".join(chr(b) for b in range(128) if chr(b) not in UNRESERVED)
PUNCT = " +%=&"
UTF8_2 = "éßñΩж\u0080\u07ff"
UTF8_3 = "中网€\u0800\ufeff\uffff"
UTF8_4 = "😀🚀\U00010000\U0010ffff"
POOLS = [
    (UNRESERVED, 10),
    (RESERVED, 3),
    (PUNCT, 3),
    (UTF8_2, 1),
    (UTF8_3, 1),
    (UTF8_4, 1),
]
COMMON_KEYS = ["Action", "Version", "AccessKeyId", "Format", "SignatureMethod",
               "SignatureVersion", "SignatureNonce", "Timestamp", "RegionId", "OrderId"]


def text(rng, length):
    pools = [p for p, _ in POOLS]
    weights = [w for _, w in POOLS]
    # Some strings draw from one pool only, to get runs of one kind of byte.
    if rng.random() < 0.2:
        pool = rng.choices(pools, weights)[0]
        return "".join(rng.choice(pool) for _ in range(length))
    return "".join(rng.choice(rng.choices(pools, weights)[0]) for _ in range(length))


def key(rng):
    r = rng.random()
    if r < 0.15:
        return rng.choice(COMMON_KEYS)
    if r < 0.25:
        return "Tag.%d.%s" % (rng.randint(1, 20), rng.choice(["Key", "Value"]))
    if r < 0.27:
        return ""
    return text(rng, rng.randint(1, 12))


def value(rng):
    r = rng.random()
    if r < 0.15:
        return ""
    if r < 0.19:
        return text(rng, rng.randint(1025, 1400))
    return text(rng, rng.randint(1, 14))


def secret(rng):
    length = rng.choice([0, 1, 13, 30, 63, 64, 65, 100, 200])
    if rng.random() < 0.15:
        return text(rng, length)
    return "".join(rng.choice(UNRESERVED + "/+=") for _ in range(length))


def generate(rng):
    n = rng.randint(1, 40) if rng.random() < 0.7 else rng.randint(1, 8)
    params = {}
    while len(params) < n:
        params[key(rng)] = value(rng)
    return {
        "method": rng.choice(["GET", "POST"]),
        "secret": secret(rng),
        "params": list(params.items()),
    }


def sign(case):
    """The official SDKs' canonical query, string-to-sign and signature for a case."""
    params = dict(case["params"])
    method, secret = case["method"], case["secret"]
    sts = COMPOSE(method, params)
    signature = GET_SIGNATURE(sts, secret)
    canonical = POP(urlencode(sorted(params.items(), key=lambda kv: kv[0])))
    prefix = method + "&%2F&"
    assert sts.startswith(prefix) and unquote(sts[len(prefix):]) == canonical, case
    tea = TeaUtils.get_rpcsignature(params, method, secret)
    util = OpenApiUtil.get_rpcsignature(params, method, secret)
    if not signature == tea == util:
        raise SystemExit("the SDKs disagree: %r" % (case,))
    return dict(case, canonical_query=canonical, string_to_sign=sts, signature=signature)


def classes(case):
    """What a case exercises, for the selection."""
    found = set()
    texts = [k for k, _ in case["params"]] + [v for _, v in case["params"]]
    joined = "".join(texts)
    if any(c in RESERVED and c not in PUNCT for c in joined):
        found.add("reserved-ascii")
    if any(ord(c) < 32 or ord(c) == 127 for c in joined):
        found.add("control")
    for c in PUNCT:
        if c in joined:
            found.add("punct-%r" % c)
    for name, pool in [("utf8-2", UTF8_2), ("utf8-3", UTF8_3), ("utf8-4", UTF8_4)]:
        if any(c in pool for c in joined):
            found.add(name)
    if any(not k.isascii() for k, _ in case["params"]):
        found.add("non-ascii-key")
    if any(v == "" for _, v in case["params"]):
        found.add("empty-value")
    if any(k == "" for k, _ in case["params"]):
        found.add("empty-key")
    if any(len(v.encode()) > 1024 for _, v in case["params"]):
        found.add("long-value")
    n = len(case["params"])
    found.add("params-1" if n == 1 else "params-30+" if n >= 30 else "params-2-29")
    s = case["secret"].encode()
    found.add("secret-empty" if not s else "secret-long" if len(s) > 64
              else "secret-64" if len(s) == 64 else "secret-short")
    if not case["secret"].isascii():
        found.add("secret-non-ascii")
    found.add(case["method"])
    return found


def size(case):
    return len(json.dumps(case, ensure_ascii=False))


def select(cases, per_class=8):
    """At least `per_class` cases of every class: the rarest class first, each filled
    with its smallest cases (a case counts for all its classes)."""
    tagged = [(i, classes(c), size(c)) for i, c in enumerate(cases)]
    every = sorted({k for _, cls, _ in tagged for k in cls},
                   key=lambda k: sum(k in cls for _, cls, _ in tagged))
    chosen, counts = [], {}
    for wanted in every:
        for i, cls, _ in sorted((t for t in tagged if wanted in t[1]), key=lambda t: t[2]):
            if counts.get(wanted, 0) >= per_class:
                break
            if i in chosen:
                continue
            chosen.append(i)
            for k in cls:
                counts[k] = counts.get(k, 0) + 1
    chosen.sort()
    return [cases[i] for i in chosen], counts


def entry(i, case):
    """A case in the format of tests/data/signature_v1_edges.json."""
    out = {"name": "random-%d" % i, "note": ", ".join(sorted(classes(case))),
           "method": case["method"], "secret": case["secret"],
           "params": [list(kv) for kv in case["params"]]}
    # Long strings are given by length: the signature, an HMAC of them, pins the content.
    if len(case["canonical_query"]) <= 600:
        out["canonical_query"] = case["canonical_query"]
    else:
        out["canonical_query_len"] = len(case["canonical_query"])
    if len(case["string_to_sign"]) <= 300:
        out["string_to_sign"] = case["string_to_sign"]
    else:
        out["string_to_sign_len"] = len(case["string_to_sign"])
    out["signature"] = case["signature"]
    return out


def readable(s):
    """JSON of `s`, UTF-8 as it is but for what does not print (controls, U+FEFF,
    noncharacters), which is escaped."""
    def escape(c):
        if c.isprintable():
            return c
        if ord(c) < 0x10000:
            return "\\u%04x" % ord(c)
        hi, lo = divmod(ord(c) - 0x10000, 0x400)
        return "\\u%04x\\u%04x" % (0xD800 + hi, 0xDC00 + lo)
    return "".join(escape(c) for c in json.dumps(s, ensure_ascii=False))


def dump(doc):
    """The document as in signature_v1_edges.json: one key per line, one param per line."""
    lines = ["{", ' "about": %s,' % readable(doc["about"]), ' "seed": %d,' % doc["seed"],
             ' "cases": [']
    for n, case in enumerate(doc["cases"]):
        lines.append("  {")
        fields = []
        for k, v in case.items():
            if k == "params":
                pairs = ["    [%s, %s]" % (readable(a), readable(b)) for a, b in v]
                fields.append('   "params": [\n' + ",\n".join(pairs) + "\n   ]")
            elif isinstance(v, int):
                fields.append('   "%s": %d' % (k, v))
            else:
                fields.append('   "%s": %s' % (k, readable(v)))
        lines.append(",\n".join(fields))
        lines.append("  }," if n + 1 < len(doc["cases"]) else "  }")
    lines += [" ]", "}", ""]
    return "\n".join(lines)


def requests():
    """Prints the raw requests the SDKs' own clients send for RejectJoinPermissionAuthOrder
    (GET and POST, classic AcsClient + CommonRequest and tea-openapi Client.call_api with
    signature_algorithm v2), with a fixed Timestamp and nonce, to a loopback socket that
    records them and answers 200: what tests/mock_server.rs replays against the mock server.
    The AccessKey is tests/support's ID and SECRET."""
    import socket
    import threading

    import aliyunsdkcore.utils.parameter_helper as helper
    from aliyunsdkcore.client import AcsClient
    from aliyunsdkcore.request import CommonRequest
    from alibabacloud_tea_openapi import utils_models as models
    from alibabacloud_tea_openapi.client import Client
    from darabonba.runtime import RuntimeOptions

    captured = []
    answer = b'{"RequestId":"5191A3B2-453D-D954-A341-2D619B63A23E","Success":true}'

    def record(sock):
        while True:
            conn, _ = sock.accept()
            data = b""
            while b"\r\n\r\n" not in data:
                data += conn.recv(65536)
            head, _, body = data.partition(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            headers = {k.strip().lower(): v.strip()
                       for k, v in (line.split(":", 1) for line in lines[1:])}
            while len(body) < int(headers.get("content-length", "0")):
                body += conn.recv(65536)
            captured.append((lines[0], headers.get("content-type"), body.decode()))
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                         b"Content-Length: %d\r\nConnection: close\r\n\r\n%s"
                         % (len(answer), answer))
            conn.close()

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    host = "127.0.0.1:%d" % sock.getsockname()[1]
    threading.Thread(target=record, args=(sock,), daemon=True).start()

    key_id, secret = "LTAI5tSecretsProbeIdQZ7", "SecretsProbe/Secret+Value=QZ7"
    action, api_version = "RejectJoinPermissionAuthOrder", "2018-12-30"
    value = "a b*c~d/e+f=g&h%i 网关-Ünïcødé-🚀"
    timestamp = "2026-11-27T12:00:00Z"
    nonces = iter("nonce-%d" % i for i in range(100))
    helper.get_iso_8061_date = lambda: timestamp
    helper.get_uuid = lambda: "classic-" + next(nonces)
    TeaUtils.get_timestamp = staticmethod(lambda: timestamp)
    TeaUtils.get_nonce = staticmethod(lambda: "tea-" + next(nonces))
    for method in ["GET", "POST"]:
        client = AcsClient(key_id, secret, "cn-shanghai", auto_retry=False)
        request = CommonRequest(domain=host, version=api_version, action_name=action)
        request.set_protocol_type("http")
        request.set_method(method)
        request.set_accept_format("JSON")
        request.add_query_param("OrderId", value)
        if method == "POST":
            request.add_body_params("Note", value)
            request.add_body_params("Empty", "")
        client.do_action_with_exception(request)
    for method in ["GET", "POST"]:
        config = models.Config(access_key_id=key_id, access_key_secret=secret, endpoint=host,
                               protocol="http", signature_algorithm="v2")
        params = models.Params(action=action, version=api_version, protocol="HTTP",
                               method=method, auth_type="AK", style="RPC", pathname="/",
                               req_body_type="formData", body_type="json")
        body = {"Note": value, "Empty": ""} if method == "POST" else None
        request = models.OpenApiRequest(query={"OrderId": value}, body=body)
        Client(config).call_api(params, request, RuntimeOptions(autoretry=False))
    for line, content_type, body in captured:
        method, target, _ = line.split(" ")
        print(json.dumps([method, target, content_type, body], ensure_ascii=False))


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else ""
    if mode == "all" and len(sys.argv) == 4:
        rng = random.Random(SEED)
        cases = [dict(sign(generate(rng)), name="random-%d" % i)
                 for i in range(int(sys.argv[2]))]
        with open(sys.argv[3], "w", encoding="utf-8") as f:
            json.dump({"seed": SEED, "cases": cases}, f, ensure_ascii=False)
        return
    if mode == "select" and len(sys.argv) == 3:
        rng = random.Random(SEED)
        cases = [sign(generate(rng)) for _ in range(3000)]
        chosen, counts = select(cases)
        versions = ", ".join("%s %s" % (p, version(p)) for p in [
            "aliyun-python-sdk-core", "alibabacloud-tea-openapi", "alibabacloud-openapi-util"])
        doc = {
            "about": (
                "Random RPC signature V1 (HMAC-SHA1) cases, computed by the official Python "
                "SDKs: canonical_query (__pop_standard_urlencode(urlencode(sorted params))), "
                "string_to_sign and signature by aliyun-python-sdk-core's "
                "rpc_signature_composer (__compose_string_to_sign, __get_signature); every "
                "signature identical under alibabacloud-tea-openapi's Utils.get_rpcsignature "
                "and alibabacloud-openapi-util's Client.get_rpcsignature. Generated by "
                "scripts/signature_v1_difftest.py with seed %d (%d of the first 3000 cases, a "
                "few of each class named in note). SDK versions: %s; Python %s. params is a "
                "list of [key, value] pairs in input order (no duplicate keys). Strings too "
                "long to list are given by length (canonical_query_len, string_to_sign_len)."
                % (SEED, len(chosen), versions, sys.version.split()[0])),
            "seed": SEED,
            "cases": [entry(cases.index(c), c) for c in chosen],
        }
        text = dump(doc)
        assert json.loads(text) == doc, "the file must read back as written"
        with open(sys.argv[2], "w", encoding="utf-8") as f:
            f.write(text)
        print("%d cases, classes: %s" % (len(chosen), sorted(counts.items())), file=sys.stderr)
        return
    if mode == "requests":
        requests()
        return
    raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
