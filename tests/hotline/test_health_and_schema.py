from hotline.migrate import model_drift


def test_healthz(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_readyz_checks_database_and_redis(client):
    response = client.get("/readyz")
    assert response.status_code == 200 and response.get_json()["status"] == "ready"


def test_readyz_is_503_with_the_reason_when_redis_is_gone(tmp_path, settings, clock):
    import dataclasses

    from hotline import create_app

    broken = create_app(dataclasses.replace(settings, redis_url="redis://127.0.0.1:1/0"), clock=clock)
    response = broken.test_client().get("/readyz")
    assert response.status_code == 503
    assert "redis" in response.get_json()["problems"]


def test_metrics_count_requests(client):
    client.get("/healthz")
    body = client.get("/metrics").data.decode()
    assert 'hotline_request_seconds_count{endpoint="health.healthz",method="GET",status="200"}' in body


def test_migrations_match_the_models(database_url):
    assert model_drift(database_url) == []
