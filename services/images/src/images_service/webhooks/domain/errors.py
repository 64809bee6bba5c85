"""What can go wrong for a client of the webhooks API (kinds as in images' domain errors)."""

from images_service.domain.errors import Conflicting, Missing


class EndpointNotFound(Missing):
    code = "webhook_not_found"

    def __init__(self) -> None:
        super().__init__("No webhook endpoint with this id")


class DeliveryNotFound(Missing):
    code = "webhook_delivery_not_found"

    def __init__(self) -> None:
        super().__init__("No delivery with this id for this webhook endpoint")


class TooManyEndpoints(Conflicting):
    code = "too_many_webhooks"

    def __init__(self, limit: int) -> None:
        super().__init__(
            f"An account can have at most {limit} webhook endpoints; delete one first",
            details={"limit": limit},
        )
