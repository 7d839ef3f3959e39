"""Issue 17: the tool tells the LMS page around it how tall it is (lti.frameResize)."""

from __future__ import annotations

from tests.browser.journey import Journey

LISTEN = """
if (window.top === window) {
  window.__lti_messages = [];
  window.addEventListener("message", function (e) { window.__lti_messages.push(e.data); });
}
"""


def test_the_framed_tool_posts_its_height_to_the_lms(journey: Journey) -> None:
    journey.page.add_init_script(LISTEN)
    journey.launch("anna", "home")
    frame = journey.frame()
    journey.page.wait_for_function(
        "() => (window.__lti_messages || []).some(m => m && m.subject === 'lti.frameResize')"
    )
    messages = journey.page.evaluate("window.__lti_messages")
    sizes = [
        m["height"]
        for m in messages
        if isinstance(m, dict) and m.get("subject") == "lti.frameResize"
    ]
    tool_height = frame.evaluate("document.documentElement.scrollHeight")
    assert sizes and abs(sizes[-1] - tool_height) <= 2
    # The page grows: the frame is told again.
    frame.evaluate(
        "() => { const d = document.createElement('div'); d.style.height = '1500px';"
        " document.querySelector('main').appendChild(d); }"
    )
    journey.page.wait_for_function(
        f"() => window.__lti_messages.some(m => m && m.subject === 'lti.frameResize' "
        f"&& m.height >= {tool_height + 1400})"
    )
