"""(a) The real PostgreSQL: a table created and a row round-tripped."""

import sqlalchemy as sa


def test_a_row_round_trips_through_a_new_table(database_url_factory):
    engine = sa.create_engine(database_url_factory("devstack"))
    try:
        with engine.begin() as conn:
            conn.execute(sa.text("CREATE TABLE notes (id serial PRIMARY KEY, body text NOT NULL)"))
            conn.execute(sa.text("INSERT INTO notes (body) VALUES (:body)"), {"body": "héllo"})
        with engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT id, body FROM notes")).all()
    finally:
        engine.dispose()
    assert rows == [(1, "héllo")]


def test_the_service_databases_exist_and_need_the_password(stack):
    for name in ("auth", "images"):
        engine = sa.create_engine(stack.database_url(name))
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT current_database()")).scalar() == name
        engine.dispose()

    wrong = sa.create_engine(stack.database_url("auth").replace(":postgres@", ":wrong@"))
    try:
        with wrong.connect():
            raise AssertionError("a wrong password was accepted")
    except sa.exc.OperationalError as exc:
        assert "password authentication failed" in str(exc)
    finally:
        wrong.dispose()
