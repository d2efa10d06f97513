def test_a_page_in_a_real_browser(live_server, page):
    page.goto(live_server.url + "/healthz")
    assert '"status"' in page.content()
