"""What can go wrong for a client of the webhooks API."""

from platform_common.errors import AppError, NotFound


class EndpointNotFound(NotFound):
    code = "webhook_not_found"

    def __init__(self) -> None:
        super().__init__("No webhook endpoint with this id")


class DeliveryNotFound(NotFound):
    code = "webhook_delivery_not_found"

    def __init__(self) -> None:
        super().__init__("No delivery with this id for this webhook endpoint")


class TooManyEndpoints(AppError):
    status_code = 409
    code = "too_many_webhooks"

    def __init__(self, limit: int) -> None:
        super().__init__(
            f"An account can have at most {limit} webhook endpoints; delete one first",
            details={"limit": limit},
        )
