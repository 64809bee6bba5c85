"""bcrypt password hashing through libpass (the maintained passlib fork)."""

from passlib.context import CryptContext

from auth_service.domain.passwords import fits_bcrypt


class PasswordHasher:
    def __init__(self, rounds: int) -> None:
        self._context = CryptContext(schemes=["bcrypt"], bcrypt__rounds=rounds)
        # The first dummy_verify also builds the dummy hash (twice the cost): pay that now, not
        # on the first unknown-username login, whose slower answer would stand out.
        self._context.dummy_verify()

    def hash(self, password: str) -> str:
        return self._context.hash(password)

    def verify(self, password: str, password_hash: str) -> tuple[bool, str | None]:
        """(matches, a new hash when the stored one used another cost and should be replaced)."""
        if not fits_bcrypt(password):
            # bcrypt refuses it; no stored hash can match. Spend the same time anyway.
            self._context.dummy_verify()
            return False, None
        return self._context.verify_and_update(password, password_hash)

    def burn_time(self) -> None:
        """Cost of one verification, for unknown usernames: the answer must not come back faster
        for them than for a wrong password (that would reveal which usernames exist)."""
        self._context.dummy_verify()
