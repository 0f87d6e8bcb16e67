"""``python -m pathgrad.notebook``: what a static site needs to show graphs with no server.

    python -m pathgrad.notebook element > pathgrad-graph.js      # the script defining <pathgrad-graph>
    python -m pathgrad.notebook snippet "a = 2; b = 1; e = (a+b)*(b+1)" > diamond.html
    python -m pathgrad.notebook data "a = 2; b = 1; e = (a+b)*(b+1)" > diamond.json   # for src="…"
"""

from __future__ import annotations

import argparse
import json
import sys

from pathgrad.notebook.assets import element_script
from pathgrad.notebook.embed import embed_data, embed_snippet


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pathgrad.notebook", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("element", help="print the script that defines <pathgrad-graph>")
    for name, text in (("snippet", "print a <pathgrad-graph> element with the program's graph inside"),
                       ("data", "print the graph data (JSON) for <pathgrad-graph src=...>")):
        command = commands.add_parser(name, help=text)
        command.add_argument("source", help="the program text, or - to read it from standard input")
        command.add_argument("--input", help="the leaf to list paths from first")
        command.add_argument("--values", help='leaf values as JSON, e.g. \'{"a": 3}\'')
        if name == "snippet":
            command.add_argument("--height", type=int, help="the element's height in pixels")
    args = parser.parse_args(argv)
    if args.command == "element":
        sys.stdout.write(element_script())
        return 0
    source = sys.stdin.read() if args.source == "-" else args.source
    try:
        values = json.loads(args.values) if args.values else None
        if args.command == "snippet":
            sys.stdout.write(embed_snippet(source, height=args.height, values=values, input=args.input))
        else:
            json.dump(embed_data(source, values=values, input=args.input), sys.stdout, ensure_ascii=False)
            sys.stdout.write("\n")
    except ValueError as error:
        print(f"pathgrad: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
