"""The teaching side of the page in a real browser: an exercise solved, the lab on x*x, the lesson walked."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

from browser.helpers import node_named, open_app, type_program
from pathgrad import service
from pathgrad.engine import gradients
from pathgrad.presets import PRESETS


def first_vanished_weight() -> str:
    """The vanishing step's answer, from the engine: the sigmoid chain's weights read back from the
    last, the first whose |dC/dw| is below a thousandth of the last one's."""
    program = service.build(PRESETS["sigmoid-chain"].source(), output="C")
    adjoints = gradients(program.output)
    weights = sorted((n for n in program.leaves if n.startswith("w")), key=lambda n: int(n[1:]))
    bar = abs(adjoints[program.leaves[weights[-1]]]) / 1000
    return next(w for w in reversed(weights[:-1]) if abs(adjoints[program.leaves[w]]) < bar)


def open_exercise(page: Page, base: str, level: int, seed: int) -> None:
    page.goto(f"{base}/#exercise={level}:{seed}")
    expect(page.locator("#panel-exercises")).to_have_attribute("data-exercise", f"{level}:{seed}")
    expect(page.locator("#ex-questions li")).not_to_have_count(0)


def test_an_exercise_is_solved_with_a_wrong_answer_a_hint_and_the_reveal(
    page: Page, live_server: str, screenshot: Callable[[Page, str], Path]
) -> None:
    open_exercise(page, live_server, 2, 0)  # x = 0.5; u = x*x; v = u*x; y = v + u
    expect(page.locator("#source")).to_have_value("x = 0.5\nu = x * x\nv = u * x\ny = v + u")
    assert page.evaluate("location.hash") == "#exercise=2:0"  # the link, with no answer in it
    # Gradients are hidden until the exercise is solved: every node's gradient line reads "?".
    expect(page.locator("#graph g.node text.grad tspan.v").first).to_have_text("?")
    expect(page.locator("#leaves .leaf-grad").first).to_be_hidden()  # the inputs' ∂ would give it away
    gradient = page.locator('#ex-questions li[data-kind="gradient"]')
    answer = gradient.locator("input.ex-answer")
    answer.fill("0.25")  # one branch of x's fan-out only
    gradient.locator("button.ex-check").click()
    expect(gradient).to_have_attribute("data-state", "wrong")
    expect(gradient).to_have_attribute("data-hint", "fan-out-not-added")
    expect(gradient.locator(".ex-feedback")).to_contain_text("one branch")
    answer.fill("abc")
    gradient.locator("button.ex-check").click()
    expect(gradient.locator(".ex-feedback")).to_contain_text("Type a number")
    answer.fill("1.75")
    answer.press("Enter")
    expect(gradient).to_have_attribute("data-state", "right")
    count = page.locator('#ex-questions li[data-kind="count"]')
    count.locator("input.ex-answer").fill("3")
    count.locator("button.ex-check").click()
    expect(count).to_have_attribute("data-hint", "count-low")
    count.locator("button.ex-show").click()
    expect(count).to_have_attribute("data-state", "shown")
    expect(count.locator("input.ex-answer")).to_have_value("5")
    local = page.locator('#ex-questions li[data-kind="local"]')  # the edge x → v of v = u*x: u = 0.25
    expect(local.locator(".ex-text")).to_contain_text("x → v")
    local.locator("input.ex-answer").fill("1/4")
    local.locator("button.ex-check").click()
    expect(local).to_have_attribute("data-state", "right")
    expect(page.locator("#ex-score")).to_contain_text("1 right at the first try, 2 solved, of 3 tried")
    screenshot(page, "-exercise")
    page.click("#ex-reveal")
    expect(page.locator("#app")).not_to_have_class(re.compile(r"\bteach-exercise\b"))
    expect(page.locator("#timeline")).not_to_have_value("0", timeout=5_000)


def test_the_lab_runs_on_x_times_x(
    page: Page, live_server: str, screenshot: Callable[[Page, str], Path]
) -> None:
    open_app(page, live_server)
    type_program(page, "x = 3\ny = x * x")
    expect(page.locator("#graph-info")).to_contain_text("output y = 9")
    page.click("#tab-lab")
    page.click("#lab-run")
    expect(page.locator("#panel-lab")).to_have_attribute("data-state", "done")
    rows = page.locator("#lab-table tbody tr")
    expect(rows).to_have_count(6)
    correct = page.locator('#lab-table tr[data-variant="correct"]')
    expect(correct.locator("td").nth(1)).to_have_text("6")
    wrong = page.locator('#lab-table tr[data-variant="parents-by-node"]')
    expect(wrong.locator("td").nth(1)).to_have_text("3")
    wrong.click()
    expect(wrong).to_have_class(re.compile(r"\bchosen\b"))
    expect(page.locator("#lab-explain")).to_contain_text("x·x")
    # On the graph: x is marked wrong and reads its wrong and its right gradient side by side.
    x = page.locator("#graph g.node.lab-wrong")
    expect(x).to_have_count(1)
    expect(x.locator("text.grad tspan.v")).to_have_text("3 ≠ 6")
    screenshot(page, "-lab")


def test_the_lesson_walks_from_first_to_last_step_with_a_locked_link(
    page: Page, live_server: str, screenshot: Callable[[Page, str], Path]
) -> None:
    page.goto(f"{live_server}/#lesson=1&locked=1")
    lesson = page.locator("#lesson")
    expect(lesson).to_be_visible()
    expect(page.locator("#lesson-count")).to_have_text("Step 1 of 9")
    # Locked: the header's controls and the program editor are gone; the step's inputs stay.
    expect(page.locator(".top-actions")).to_be_hidden()
    expect(page.locator("#source")).to_be_hidden()
    expect(page.locator("#leaves")).to_be_visible()
    expect(page.locator("#lesson-close")).to_be_hidden()
    expect(lesson).to_have_attribute("data-done", "false")
    y = page.locator('#leaves input.leaf-number[data-leaf="y"]')
    y.fill("5")  # dz/dx = 6: x's second edge (the + x) counts too
    y.press("Enter")
    expect(page.locator("#graph-info")).to_contain_text("output z = 12")
    expect(lesson).to_have_attribute("data-done", "false")
    y.fill("4")
    y.press("Enter")
    expect(lesson).to_have_attribute("data-done", "true")  # dz/dx = y + 1 = 5
    screenshot(page, "-lesson")
    titles = []
    for n in range(2, 10):
        page.evaluate("document.activeElement?.blur()")  # keys go to the page, not a field
        page.keyboard.press("n")
        expect(page.locator("#lesson-count")).to_have_text(f"Step {n} of 9")
        assert page.evaluate("location.hash") == f"#lesson={n}&locked=1"
        titles.append(page.locator("#lesson-title").text_content())
        if n == 4:  # the ladder: the text's figures are the Paths panel's own counts
            expect(page.locator("#mult-reverse")).to_have_text("90")
            paths_sum = page.locator("#mult-paths").text_content() or ""
            assert paths_sum == "48,318,382,080"
            text = page.locator("#lesson-text").text_content() or ""
            assert "2^30 = 1,073,741,824" in text and paths_sum in text and " 90 " in text, text
        if n == 7:  # vanishing: click the first weight, back from w10, below a thousandth of dC/dw10
            expect(lesson).to_have_attribute("data-done", "false")
            weight = first_vanished_weight()
            node_named(page, "w4" if weight != "w4" else "w3").click()
            expect(page.locator("#lesson")).to_have_attribute("data-done", "false")
            node_named(page, weight).click()
            expect(lesson).to_have_attribute("data-done", "true")
    expect(page.locator("#lesson-next")).to_be_disabled()
    assert len(set(titles)) == 8
    # The last step (leaky ReLU) opens the Lab: running it completes the step.
    expect(page.locator("#panel-lab")).to_be_visible()
    page.click("#lab-run")
    expect(lesson).to_have_attribute("data-done", "true")
    page.click("#lesson-back")
    expect(page.locator("#lesson-count")).to_have_text("Step 8 of 9")


def test_a_lesson_step_opens_from_its_link_and_checks_the_try_this(page: Page, live_server: str) -> None:
    page.goto(f"{live_server}/#lesson=5")  # the neuron: make dy/dw larger than 0.3
    expect(page.locator("#lesson-title")).to_have_text("One neuron")
    expect(page.locator("#source")).to_be_visible()  # not locked: every control is there
    expect(page.locator("#lesson")).to_have_attribute("data-done", "false")
    page.locator('#leaves input.leaf-number[data-leaf="x"]').fill("2")
    page.locator('#leaves input.leaf-number[data-leaf="x"]').press("Enter")
    expect(page.locator("#lesson")).to_have_attribute("data-done", "true")
    page.click("#lesson-close")
    expect(page.locator("#lesson")).to_be_hidden()


def test_the_lab_runs_on_an_array_program_element_by_element(
    page: Page, live_server: str, screenshot: Callable[[Page, str], Path]
) -> None:
    page.set_viewport_size({"width": 1440, "height": 900})
    open_app(page, live_server)
    type_program(page, "x = [1, 2, 3]\ny = sum(x * x)")
    expect(page.locator("#graph-info")).to_contain_text("output y = 14")
    page.click("#tab-lab")
    page.click("#lab-run")
    expect(page.locator("#panel-lab")).to_have_attribute("data-state", "done")
    expect(page.locator("#lab-table tbody tr")).to_have_count(6)
    expect(page.locator("#lab-table thead th").nth(1)).to_have_text("∂/∂x (3)")
    expect(page.locator("#lab-arrays")).to_be_visible()
    expect(page.locator('#lab-table tr[data-variant="correct"] td[data-leaf="x"]')).to_have_text("[2, 4, 6]")
    wrong = page.locator('#lab-table tr[data-variant="parents-by-node"]')
    expect(wrong.locator('td[data-leaf="x"]')).to_have_text("[1, 2, 3] (3 of 3 wrong)")
    cell = '#lab-table tr[data-variant="{}"] td[data-leaf="x"]'.format
    expect(page.locator(cell("no-zero-grad"))).to_contain_text("[4, 8, 12]")
    expect(page.locator(cell("path-walk"))).to_have_text("[2, 4, 6]")
    wrong.click()
    x = page.locator("#graph g.node.lab-wrong")
    expect(x).to_have_count(1)
    expect(x.locator("text.grad tspan.v")).to_have_text("[1, 2, 3] ≠ [2, 4, 6]")
    screenshot(page, "-laptop")
    page.set_viewport_size({"width": 390, "height": 844})
    page.locator("#panel-lab").scroll_into_view_if_needed()
    screenshot(page, "-phone")


def test_the_program_in_the_editor_becomes_an_exercise_solved_and_shared(
    page: Page, live_server: str, screenshot: Callable[[Page, str], Path], new_page: Callable[[], Page]
) -> None:
    page.set_viewport_size({"width": 1440, "height": 900})
    open_app(page, live_server)
    type_program(page, "a = 2\nb = 1\nc = a + b\ne = c * (b + 1)")
    expect(page.locator("#graph-info")).to_contain_text("output e = 6")
    node_named(page, "b").click()  # the exercise asks about the input in view
    expect(page.locator("#input-select")).to_have_value("b")
    page.click("#tab-exercises")
    page.select_option("#ex-level", "program")
    expect(page.locator("#ex-seed")).to_be_disabled()
    page.click("#ex-open")
    panel = page.locator("#panel-exercises")
    expect(panel).to_have_attribute("data-exercise", "program")
    expect(page.locator("#ex-status")).to_contain_text("paths from b")
    expect(page.locator("#source")).to_have_value("a = 2\nb = 1\nc = a + b\ne = c * (b + 1)")
    link = page.evaluate("location.hash")
    assert link.startswith("#exercise=program&src=") and "in=b" in link
    assert "5" not in link.split("src=", 1)[1]  # de/db = (b + 1) + c = 5: not in the link
    expect(page.locator("#graph g.node text.grad tspan.v").first).to_have_text("?")
    gradients = page.locator('#ex-questions li[data-kind="gradient"]')
    db = gradients.filter(has=page.locator(".ex-text", has_text=re.compile(r"/db$")))
    expect(db).to_have_count(1)
    db.locator("input.ex-answer").fill("3")  # c's path only: the one through b + 1 is left out
    db.locator("button.ex-check").click()
    expect(db).to_have_attribute("data-state", "wrong")
    expect(db).to_have_attribute("data-hint", "path-left-out")
    expect(db.locator(".ex-feedback")).to_contain_text("left out one path")
    expect(page.locator("#graph g.edge.ex-hint")).not_to_have_count(0)  # the path it means, marked
    db.locator("input.ex-answer").fill("5")
    db.locator("button.ex-check").click()
    expect(db).to_have_attribute("data-state", "right")
    count = page.locator('#ex-questions li[data-kind="count"]')
    count.locator("input.ex-answer").fill("2")
    count.locator("button.ex-check").click()
    expect(count).to_have_attribute("data-state", "right")
    expect(page.locator("#ex-score")).to_contain_text("1 right at the first try, 2 solved, of 2 tried")
    screenshot(page, "-laptop")
    page.set_viewport_size({"width": 390, "height": 844})
    panel.scroll_into_view_if_needed()
    screenshot(page, "-phone")
    # The link opens the same exercise elsewhere, and its check knows the answers.
    other = new_page()
    other.goto(f"{live_server}/{link}")
    expect(other.locator("#panel-exercises")).to_have_attribute("data-exercise", "program")
    expect(other.locator("#source")).to_have_value("a = 2\nb = 1\nc = a + b\ne = c * (b + 1)")
    again = other.locator('#ex-questions li[data-kind="count"]')
    again.locator("input.ex-answer").fill("2")
    again.locator("button.ex-check").click()
    expect(again).to_have_attribute("data-state", "right")


def test_a_program_that_cannot_be_an_exercise_is_told_why(page: Page, live_server: str) -> None:
    open_app(page, live_server)
    type_program(page, "x = [1, 2]\ny = sum(x * x)")
    expect(page.locator("#graph-info")).to_contain_text("output y = 5")
    page.click("#tab-exercises")
    page.select_option("#ex-level", "program")
    page.click("#ex-open")
    expect(page.locator("#panel-exercises")).to_have_attribute("data-state", "error")
    expect(page.locator("#ex-status")).to_contain_text("is an array")
