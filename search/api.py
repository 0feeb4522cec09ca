"""The match API: POST a demand record (exchange format), get the ranked institutions as `match` prints
them. Bad input is a 400 whose JSON names the key; the OpenAPI description is served beside it."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.models import Country, Field
from search.es import SEARCH_SERVER_ERRORS
from search.ranking import match_output, rank

MAX_TOP = 100


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


class DemandSerializer(serializers.Serializer):
    """The keys of a demand record that matching reads; others are accepted and ignored."""

    external_id = StrictText(required=False, allow_blank=True, max_length=100)
    title = StrictText(required=False, allow_blank=True)
    topic = StrictText(required=False, allow_blank=True)
    content = StrictText(required=False, allow_blank=True)
    fields = serializers.ListField(child=StrictText(), required=False)
    destinations = serializers.ListField(child=StrictText(), required=False)
    destinations_only = StrictBoolean(required=False, default=False)
    days = StrictInteger(required=False, min_value=1)
    group_size = StrictInteger(required=False, min_value=1)
    cities = StrictInteger(required=False, min_value=1)
    category = serializers.ChoiceField(choices=["professional", "management", "general"], required=False)

    def validate_fields(self, codes: list[str]) -> list[str]:
        unknown = sorted(
            set(codes) - set(Field.objects.filter(code__in=codes).values_list("code", flat=True))
        )
        if unknown:
            raise serializers.ValidationError(f"unknown field codes: {', '.join(unknown)}")
        return codes

    def validate_destinations(self, codes: list[str]) -> list[str]:
        unknown = sorted(
            set(codes) - set(Country.objects.filter(code__in=codes).values_list("code", flat=True))
        )
        if unknown:
            raise serializers.ValidationError(f"unknown country codes: {', '.join(unknown)}")
        return codes

    def validate(self, data: dict) -> dict:
        if not any(data.get(key) for key in ("title", "topic", "content", "fields")):
            raise serializers.ValidationError(
                {"title": "a demand needs a title, a topic, a content or fields to be matched"}
            )
        return data


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
    parser_classes = [JSONParser]

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
        },
    )
    def post(self, request):
        with translation.override(reader_language(request)):
            return self.match(request)

    def match(self, request):
        try:
            body = request.data
        except ParseError as error:
            return bad_request("body", f"the body is not valid JSON: {error.detail}")
        if not isinstance(body, dict):
            return bad_request("body", "the body must be a JSON object (a demand record)")
        top = request.query_params.get("top", "10")
        if not top.isdigit() or not 1 <= int(top) <= MAX_TOP:
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
        record = {**body, **demand.validated_data}
        try:
            matches = rank(record, top=int(top), engine=engine)
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
