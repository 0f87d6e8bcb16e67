"""The ``pathgrad`` command: serve the app, or differentiate a program in the terminal."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any

from pathgrad.defaults import PATHS_LIMIT
from pathgrad.graph_json import format_number, to_dot


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None


def _count(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        number = -1
    if number < 0:
        raise argparse.ArgumentTypeError(f"not a count (0, 1, 2, ...): {text!r}")
    return number


def _assignment(text: str) -> tuple[str, Any]:
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    value = value.strip()
    if not value.startswith("["):
        return name.strip(), _number(value)
    try:
        return name.strip(), json.loads(value)
    except json.JSONDecodeError as error:
        raise argparse.ArgumentTypeError(f"not an array of numbers: {value!r} ({error.msg})") from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pathgrad", description="See automatic differentiation: graphs, gradients and paths."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="serve the web page and the REST API")
    serve.add_argument("--host", default=None, help="default 127.0.0.1 (PATHGRAD_HOST)")
    serve.add_argument("--port", type=int, default=None, help="default 8000 (PATHGRAD_PORT)")
    serve.add_argument("--workers", type=int, default=None, help="default 1 (PATHGRAD_WORKERS)")
    serve.add_argument(
        "--log-level", default=None, choices=["critical", "error", "warning", "info", "debug", "trace"],
        help="default info, which writes the JSON access log to stdout (PATHGRAD_LOG_LEVEL)",
    )

    def program_command(name: str, help_text: str) -> argparse.ArgumentParser:
        command = sub.add_parser(name, help=help_text)
        command.add_argument("program", help="the program, e.g. 'x = 1; y = sigmoid(2*x)'")
        command.add_argument(
            "--at", action="append", type=_assignment, default=[], metavar="NAME=VALUE",
            help="override a leaf's value (repeatable)",
        )
        command.add_argument("--output", default=None, help="the statement to differentiate")
        command.add_argument("--expand", action="store_true", help="expand sigmoid/tanh compositions")
        command.add_argument(
            "--view", choices=["operations", "values"], default="operations",
            help="one node per operation (default), or one per named value (statement)",
        )
        return command

    program_command("grad", "print the output's value and every leaf's gradient")
    paths = program_command("paths", "print the paths from one leaf to the output")
    paths.add_argument("--wrt", required=True, help="the leaf to take paths from")
    paths.add_argument(
        "--limit", type=_count, default=PATHS_LIMIT, help=f"how many paths to list (default {PATHS_LIMIT})"
    )
    export = program_command("export", "print the graph as JSON or Graphviz DOT")
    export.add_argument("--format", choices=["json", "dot"], default="json")
    return parser


def _table(rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
                     for row in rows)


def _show(value: Any, kind: Any = None) -> str:
    if isinstance(value, float):
        return format_number(value)
    if value is None:
        return kind if isinstance(kind, str) else "non-finite"
    return json.dumps(value)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``pathgrad`` command."""
    args = _parser().parse_args(argv)
    if args.command == "serve":
        return _serve(args)
    from pathgrad import service
    from pathgrad.language import LanguageError

    try:
        program = service.build(args.program, dict(args.at), args.output, expand=args.expand)
        if args.command == "grad":
            graph = service.graph_for(program, view=args.view)
            _print_grad(program, graph)
        elif args.command == "paths":
            _print_paths(service.paths_for(program, args.wrt, args.limit, view=args.view))
        else:
            graph = service.graph_for(program, view=args.view)
            print(json.dumps(graph, indent=2) if args.format == "json" else to_dot(graph), end="")
            if args.format == "json":
                print()
    except (LanguageError, service.RequestError) as error:
        print(f"pathgrad: {error.message}", file=sys.stderr)
        return 2
    return 0


def _print_grad(program: Any, graph: dict[str, Any]) -> None:
    by_id = {node["id"]: node for node in graph["nodes"]}
    out = by_id[graph["output"]]
    name = out["name"] or "output"
    why = f"  ({out['reason']})" if out["reason"] else ""
    print(f"{name} = {_show(out['value'], out['value_kind'])}{why}")
    rows = [["leaf", "value", f"d{name}/dleaf", "paths"]]
    counts = graph["stats"]["path_counts"]
    for node in graph["nodes"]:
        if node["op"] == "leaf":
            rows.append([node["name"] or node["id"], _show(node["value"], node["value_kind"]),
                         _show(node["grad"], node["grad_kind"]), counts.get(node["id"], "0")])
    print(_table(rows))


def _print_paths(result: dict[str, Any]) -> None:
    graph = result["graph"]
    # Unnamed operations get their id too: "b → +n3 → e" tells the two additions apart.
    label = {n["id"]: n["name"] or f"{n['label']}{n['id']}" for n in graph["nodes"]}
    count = int(result["count"])
    shown = len(result["paths"])
    print(f"{count:,} path(s); showing the top {shown} by |product|")
    rows = [["#", "path", "factors", "product"]]
    for k, path in enumerate(result["paths"], 1):
        kinds = path["factor_kinds"] or [None] * len(path["factors"])
        rows.append([
            str(k),
            " → ".join(label[n] for n in path["nodes"]),
            " × ".join(_show(f, kind) for f, kind in zip(path["factors"], kinds, strict=True)) or "1",
            _show(path["product"], path["product_kind"]),
        ])
    print(_table(rows))
    print(f"sum of listed paths  {_show(result['listed_sum'], result['listed_sum_kind'])}")
    print(f"reverse-mode gradient {_show(result['gradient'], result['gradient_kind'])}")
    print(f"unlisted remainder   {_show(result['remainder'], result['remainder_kind'])}")
    print(f"forward mode         {_show(result['forward_mode'], result['forward_mode_kind'])}")
    fd = _show(result["finite_difference"], result["finite_difference_kind"])
    error = result["finite_difference_error"]
    verdict = {
        "agrees": "agrees",
        "differs": "differs",
        "unresolved": f"cannot resolve below ~{_show(error)}",
        "nonfinite": "not finite",
    }[result["finite_difference_verdict"]]
    spread = f" ± {_show(error)}" if isinstance(error, float) else ""
    print(f"finite differences   {fd}{spread}: {verdict}")
    for field, why in result["reasons"].items():
        print(f"  {field} is not finite: {why}")


def _serve(args: argparse.Namespace) -> int:
    import uvicorn
    from pydantic import ValidationError

    from pathgrad.api.access_log import uvicorn_log_config
    from pathgrad.settings import get_settings

    try:
        settings = get_settings()
    except ValidationError as error:  # name the wrong PATHGRAD_* variable, without a traceback
        for problem in error.errors():
            where = f"PATHGRAD_{str(problem['loc'][0]).upper()}" if problem["loc"] else "settings"
            print(f"pathgrad: {where}: {problem['msg']}", file=sys.stderr)
        return 2
    level = args.log_level or settings.log_level
    # Each worker process calls create_app(), which reads the PATHGRAD_* environment itself.
    uvicorn.run(
        "pathgrad.api.app:create_app",
        factory=True,
        host=args.host or settings.host,
        port=args.port or settings.port,
        workers=args.workers or settings.workers,
        log_level=level,
        log_config=uvicorn_log_config(level, settings.access_log),
        access_log=False,  # pathgrad.api.access_log writes one JSON line per request instead
        proxy_headers=True,
        forwarded_allow_ips=settings.forwarded_allow_ips,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
