"""Auth settings: environment variables only (see platform_common.settings for the shared ones)."""

from functools import lru_cache

from platform_common.settings import BaseServiceSettings, DatabaseSettings, TopicSettings


class Settings(BaseServiceSettings, DatabaseSettings, TopicSettings):
    service_name: str = "auth"
    database_url: str = "postgresql+psycopg2://postgres:postgres@127.0.0.1:54320/auth"


@lru_cache
def get_settings() -> Settings:
    return Settings()
