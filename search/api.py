"""The match API: POST a demand record (exchange format), get the ranked institutions as `match` prints
them. Bad input is a 400 whose JSON names the key; the OpenAPI description is served beside it. What one
request may cost is bounded: the body's size and nesting, each text's length, and requests per address.
Beside it, GET suggest: the typeahead's institutions, fields and countries for what a person has typed."""

from __future__ import annotations

import io
import re

from django.conf import settings
from django.utils import translation
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser, get_encoding
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from catalog.models import Country, Field
from catalog.numbers import positive_int
from search.demand import DemandCategory, DemandRecord
from search.es import SEARCH_SERVER_ERRORS
from search.ranking import DEMAND_DAYS_MAX, DEMAND_TEXT_MAX_LENGTH, match_output, rank
from search.suggest import MAX_QUERY_LENGTH, suggestions

MAX_TOP = 100
# More codes than there are fields in the taxonomy or countries in ISO 3166.
MAX_CODES = 250
# A demand record with every text at its longest, even written as \uXXXX escapes, takes under 100 KB.
MAX_BODY_BYTES = 256 * 1024
# A demand record nests two deep (the record; special_project, expert_review, foreign_funding or a list of
# codes in it) and holds a handful of arrays and objects; what is beyond costs time to parse, not
# information: the parser recurses once per level, and each array or object is one more for the garbage
# collector to track (a quarter of a megabyte of "[]," took 190 ms).
MAX_DEPTH = 3
MAX_CONTAINERS = 1000

_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_JSON_BRACKET = re.compile(r"[\[\]{}]")


def shape_error(text: str) -> str | None:
    """What makes JSON text more costly to parse than a demand record can be, told without parsing it."""
    depth = containers = 0
    for bracket in _JSON_BRACKET.finditer(_JSON_STRING.sub("", text)):
        if bracket[0] in "]}":
            depth -= 1
            continue
        depth += 1
        containers += 1
        if depth > MAX_DEPTH:
            return f"the body nests deeper than a demand record can ({MAX_DEPTH} levels)"
        if containers > MAX_CONTAINERS:
            return f"the body holds more arrays and objects than a demand record can ({MAX_CONTAINERS})"
    return None


class DemandParser(JSONParser):
    """JSON no larger, deeper or more cluttered than a demand record can be, checked before it is parsed."""

    def parse(self, stream, media_type=None, parser_context=None):
        body = stream.read(MAX_BODY_BYTES + 1)
        if len(body) > MAX_BODY_BYTES:
            raise ParseError(f"the body is larger than a demand record can be ({MAX_BODY_BYTES // 1024} KB)")
        try:
            text = body.decode(get_encoding(parser_context or {}))
        except UnicodeDecodeError as error:
            raise ParseError(f"the body is not valid JSON: {error}") from error
        if problem := shape_error(text):
            raise ParseError(problem)
        try:
            return super().parse(io.BytesIO(body), media_type, parser_context)
        except ParseError as error:
            raise ParseError(f"the body is not valid JSON: {error.detail}") from error


class StrictText(serializers.CharField):
    """Text that must arrive as a JSON string: 5 or true is a wrong type, not a title."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictInteger(serializers.IntegerField):
    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictBoolean(serializers.BooleanField):
    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


def known_codes(model, codes: list[str], what: str) -> list[str]:
    """The codes, when the catalogue has a `model` row (a field, a country) for each; else an error naming
    the others."""
    found = set(model.objects.filter(code__in=codes).values_list("code", flat=True))
    if unknown := sorted(set(codes) - found):
        raise serializers.ValidationError(f"unknown {what} codes: {', '.join(unknown)}")
    return codes


class DemandSerializer(serializers.Serializer):
    """The keys of a demand record that matching reads; others are accepted and ignored. Its validated data
    is the `DemandRecord` that `rank()` takes."""

    external_id = StrictText(required=False, allow_blank=True, max_length=100)
    title = StrictText(required=False, allow_blank=True, max_length=DEMAND_TEXT_MAX_LENGTH)
    topic = StrictText(required=False, allow_blank=True, max_length=DEMAND_TEXT_MAX_LENGTH)
    content = StrictText(required=False, allow_blank=True, max_length=DEMAND_TEXT_MAX_LENGTH)
    fields = serializers.ListField(child=StrictText(), required=False, max_length=MAX_CODES)
    destinations = serializers.ListField(child=StrictText(), required=False, max_length=MAX_CODES)
    destinations_only = StrictBoolean(required=False, default=False)
    days = StrictInteger(required=False, min_value=1, max_value=DEMAND_DAYS_MAX)
    group_size = StrictInteger(required=False, min_value=1)
    cities = StrictInteger(required=False, min_value=1)
    category = serializers.ChoiceField(choices=DemandCategory.values, required=False)

    def validate_fields(self, codes: list[str]) -> list[str]:
        return known_codes(Field, codes, "field")

    def validate_destinations(self, codes: list[str]) -> list[str]:
        return known_codes(Country, codes, "country")

    def validate(self, data: dict) -> DemandRecord:
        if not any(data.get(key) for key in ("title", "topic", "content", "fields")):
            raise serializers.ValidationError(
                {"title": "a demand needs a title, a topic, a content or fields to be matched"}
            )
        return DemandRecord(**data)


MATCH_RESULT_FIELDS = {
    "institution": serializers.CharField(),
    "name_en": serializers.CharField(),
    "country": serializers.CharField(),
    "score": serializers.FloatField(),
    "signals": serializers.DictField(child=serializers.FloatField()),
    "reasons": serializers.ListField(child=serializers.CharField()),
}


class MatchView(APIView):
    """Ranks the admitted institutions for one demand."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    parser_classes = [DemandParser]
    throttle_classes = [AnonRateThrottle]

    @extend_schema(
        request=DemandSerializer,
        parameters=[
            OpenApiParameter("top", int, description=f"how many institutions (1–{MAX_TOP}, default 10)"),
            OpenApiParameter("engine", str, enum=["embedded", "elasticsearch"]),
            OpenApiParameter("lang", str, enum=["zh-hans", "en"], description="language of the reasons"),
        ],
        responses={
            200: inline_serializer(
                "MatchOutput",
                {
                    "engine": serializers.CharField(),
                    "demand": serializers.CharField(),
                    "results": inline_serializer("MatchResult", MATCH_RESULT_FIELDS, many=True),
                },
            ),
            400: inline_serializer(
                "MatchError", {"error": serializers.CharField(), "key": serializers.CharField()}
            ),
            429: OpenApiResponse(description="too many requests from this address; see Retry-After"),
        },
    )
    def post(self, request):
        with translation.override(reader_language(request)):
            return self.match(request)

    def match(self, request):
        try:
            body = request.data
        except ParseError as error:
            return bad_request("body", str(error.detail))
        if not isinstance(body, dict):
            return bad_request("body", "the body must be a JSON object (a demand record)")
        top = positive_int(request.query_params.get("top", "10"), MAX_TOP)
        if top is None:
            return bad_request("top", f"top must be a whole number from 1 to {MAX_TOP}")
        engine = request.query_params.get("engine")
        if engine not in (None, "embedded", "elasticsearch"):
            return bad_request("engine", "engine must be embedded or elasticsearch")
        demand = DemandSerializer(data=body)
        if not demand.is_valid():
            key, messages = next(iter(demand.errors.items()))
            key = "body" if key == "non_field_errors" else key
            message = messages[0] if isinstance(messages, list) else next(iter(messages.values()))[0]
            return bad_request(key, str(message))
        record = demand.validated_data
        try:
            matches = rank(record, top=top, engine=engine)
        except SEARCH_SERVER_ERRORS:
            return Response(
                {
                    "error": "engine: the search server did not answer; try the embedded engine",
                    "key": "engine",
                },
                status=status.HTTP_503_SERVICE_UNAVAILABLE,
            )
        return Response(match_output(record, matches))


def public_endpoints(endpoints: list) -> list:
    """The OpenAPI description covers the portal's API under /api/v1/ only."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]


def reader_language(request) -> str:
    """`?lang=`, else the Accept-Language header, else English: the language of reasons and errors."""
    wanted = request.query_params.get("lang")
    if wanted in dict(settings.LANGUAGES):
        return wanted
    if request.headers.get("Accept-Language"):
        return translation.get_language_from_request(request)
    return "en"


def bad_request(key: str, message: str) -> Response:
    return Response({"error": f"{key}: {message}", "key": key}, status=status.HTTP_400_BAD_REQUEST)


class SuggestThrottle(AnonRateThrottle):
    """A typeahead asks once a keystroke (after a pause): more often than the match API, still bounded."""

    scope = "suggest"
    rate = "300/minute"


class SuggestView(APIView):
    """Institutions, fields and countries whose names begin with what is typed (search/suggest.py)."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [SuggestThrottle]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "q",
                str,
                description=f"what was typed (only its first {MAX_QUERY_LENGTH} characters are read)",
            ),
            OpenApiParameter("lang", str, enum=["zh-hans", "en"], description="language of the names"),
        ],
        responses={
            200: inline_serializer(
                "Suggestions",
                {
                    "query": serializers.CharField(),
                    "results": inline_serializer(
                        "Suggestion",
                        {
                            "kind": serializers.ChoiceField(["institution", "field", "country"]),
                            "kind_label": serializers.CharField(),
                            "name": serializers.CharField(),
                            "other_name": serializers.CharField(),
                            "url": serializers.CharField(),
                            "param": serializers.CharField(),
                            "value": serializers.CharField(),
                        },
                        many=True,
                    ),
                },
            ),
            429: OpenApiResponse(description="too many requests from this address; see Retry-After"),
        },
    )
    def get(self, request):
        query = request.query_params.get("q", "")[:MAX_QUERY_LENGTH]
        with translation.override(reader_language(request)):
            return Response({"query": query, "results": suggestions(query)})
