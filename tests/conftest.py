"""Shared by every test tier: measurements a test records (``record_property("measured", text)``) are
printed in the terminal summary, also under pytest-xdist, where a passing test's stdout is not shown."""


def pytest_terminal_summary(terminalreporter):
    lines = [f"{report.nodeid}: {value}"
             for report in terminalreporter.stats.get("passed", []) if report.when == "call"
             for name, value in report.user_properties if name == "measured"]
    if lines:
        terminalreporter.section("measured")
        for line in lines:
            terminalreporter.write_line(line)
