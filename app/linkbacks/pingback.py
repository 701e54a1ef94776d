"""Pingback 1.0 over XML-RPC: the wire format, both ways, and nothing else.

Incoming calls are parsed with defusedxml (no DTDs, no entities, so no billion laughs and no
external entities) into a method name and string parameters; only `pingback.ping` and
`pingback.extensions.getPingbacks` exist (no `system.multicall`, which multiplies one request
into thousands of pings). Answers and faults are written with `xmlrpc.client.dumps`. The
receive pipeline's domain errors become the spec's fault codes in `FAULTS`.
"""

from __future__ import annotations

import xmlrpc.client
from dataclasses import dataclass
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from app.linkbacks import services

# The spec's fault codes (hixie.ch/specs/pingback/pingback) and XML-RPC's own (the
# "specification for fault code interoperability").
GENERIC = 0
SOURCE_NOT_FOUND = 0x0010
NO_LINK = 0x0011
TARGET_NOT_FOUND = 0x0020
TARGET_NOT_USABLE = 0x0021
ALREADY_REGISTERED = 0x0030
ACCESS_DENIED = 0x0031
UPSTREAM_ERROR = 0x0032
PARSE_ERROR = -32700
NOT_XML_RPC = -32600
UNKNOWN_METHOD = -32601
BAD_PARAMS = -32602

FAULTS: dict[type[services.LinkbackError], int] = {
    services.SourceNotFound: SOURCE_NOT_FOUND,
    services.NoLink: NO_LINK,
    services.TargetNotFound: TARGET_NOT_FOUND,
    services.TargetNotUsable: TARGET_NOT_USABLE,
    services.AlreadyRegistered: ALREADY_REGISTERED,
    services.AccessDenied: ACCESS_DENIED,
    services.Throttled: ACCESS_DENIED,
    services.UpstreamError: UPSTREAM_ERROR,
    services.BadRequest: GENERIC,
}

METHODS = {"pingback.ping": 2, "pingback.extensions.getPingbacks": 1}


class CallError(Exception):
    """The request is not a call we can answer; carries its XML-RPC fault code."""

    def __init__(self, code: int, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


class RemoteFault(Exception):
    """A pingback server answered with a fault (the sending side)."""

    def __init__(self, code: int, message: str):
        super().__init__(f"fault {code}: {message}")
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Call:
    method: str
    params: tuple[str, ...]


def parse_call(body: bytes) -> Call:
    """Read an XML-RPC methodCall whose parameters must all be strings; raise CallError."""
    try:
        root = fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (ParseError, DefusedXmlException, ValueError) as error:
        raise CallError(PARSE_ERROR, "The request is not well-formed XML.") from error
    if root.tag != "methodCall":
        raise CallError(NOT_XML_RPC, "The request is not an XML-RPC methodCall.")
    name = root.find("methodName")
    if name is None or not (name.text or "").strip():
        raise CallError(NOT_XML_RPC, "The methodCall has no methodName.")
    method = name.text.strip()
    if method not in METHODS:
        raise CallError(UNKNOWN_METHOD, f"There is no method {method[:100]!r} here.")
    params = [_string_param(param) for param in root.findall("params/param")]
    if len(params) != METHODS[method]:
        raise CallError(BAD_PARAMS, f"{method} takes {METHODS[method]} string parameter"
                        f"{'s' if METHODS[method] > 1 else ''}, not {len(params)}.")
    return Call(method, tuple(params))


def _string_param(param: Element) -> str:
    """The text of one <param><value>: a <string>, or an untyped value (a string too)."""
    value = param.find("value")
    if value is None:
        raise CallError(BAD_PARAMS, "A parameter has no value.")
    children = list(value)
    if not children:
        return (value.text or "").strip()
    if len(children) == 1 and children[0].tag == "string":
        return (children[0].text or "").strip()
    raise CallError(BAD_PARAMS, "The parameters must be strings (URLs).")


def success(value) -> bytes:
    """An XML-RPC methodResponse carrying one value."""
    return xmlrpc.client.dumps((value,), methodresponse=True, encoding="utf-8",
                               allow_none=False).encode("utf-8")


def fault(code: int, message: str) -> bytes:
    """An XML-RPC fault response."""
    return xmlrpc.client.dumps(xmlrpc.client.Fault(code, message), methodresponse=True,
                               encoding="utf-8").encode("utf-8")


def fault_for(error: services.LinkbackError) -> bytes:
    return fault(FAULTS.get(type(error), GENERIC), error.message)


# The sending side.

def build_call(source: str, target: str) -> bytes:
    """The body of a pingback.ping call from `source` (our article) to `target`."""
    return xmlrpc.client.dumps((source, target), "pingback.ping",
                               encoding="utf-8").encode("utf-8")


def parse_response(body: bytes) -> str:
    """Read a pingback server's answer: the success string, or raise RemoteFault.

    ValueError when the answer is not an XML-RPC methodResponse."""
    try:
        root = fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (ParseError, DefusedXmlException, ValueError) as error:
        raise ValueError("the answer is not well-formed XML") from error
    if root.tag != "methodResponse":
        raise ValueError("the answer is not an XML-RPC methodResponse")
    fault_value = root.find("fault/value")
    if fault_value is not None:
        members = {m.findtext("name", ""): m.find("value") for m in fault_value.iter("member")}
        code = _scalar(members.get("faultCode"))
        message = _scalar(members.get("faultString"))
        try:
            number = int(code)
        except ValueError:
            number = GENERIC
        raise RemoteFault(number, message[:300])
    value = root.find("params/param/value")
    if value is None:
        raise ValueError("the answer carries no value")
    return _scalar(value)[:300]


def _scalar(value: Element | None) -> str:
    if value is None:
        return ""
    children = list(value)
    if not children:
        return (value.text or "").strip()
    return "".join(children[0].itertext()).strip()
