from tests.conftest import NOW


def test_intake_and_finish(officer_client, procedure):
    response = officer_client.post(
        "/api/v1/dossiers/",
        {"procedure": procedure.code, "applicant_name": "Lê Thị Mai", "applicant_phone": "0987654321", "channel": "counter"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["code"] == f"{procedure.agency.code}-20261125-0001"
    assert body["due_at"] == "2026-12-02T09:00:00+07:00"
    assert body["received_at"] == NOW.isoformat()
    finish = officer_client.post(f"/api/v1/dossiers/{body['code']}/finish/", {}, format="json")
    assert finish.status_code == 200
    assert finish.json()["classification"] == "early"
    again = officer_client.post(f"/api/v1/dossiers/{body['code']}/request-supplement/", {"items": ["x"], "reason": "y"}, format="json")
    assert again.status_code == 409
    assert again.json()["detail"] == "Hồ sơ đã có kết quả, không thể yêu cầu bổ sung."
