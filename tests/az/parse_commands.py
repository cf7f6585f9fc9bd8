#!/usr/bin/env python3
"""Parses `az` command lines with the real Azure CLI, without signing in.

Reads one command per line on stdin (a line is split as a POSIX shell would), and prints one
JSON object per line: {"cmd", "ok", "why"}. A command is "ok" when the CLI's argument parser
accepted it and it went on to need a sign-in (or otherwise got past parsing); it is not when
argparse rejected it (exit code 2: unknown command or group, unrecognized or missing
arguments, a bad choice) or when it stopped to ask for a confirmation (no TTY: it would hang a
scripted fallback; add --yes).

Commands of extension groups that cannot be installed here (`az ml`) are checked against the
reference text kept in the repository (tests/az_reference/<group>.txt, see its header).

Everything runs in one Python process (loading the CLI once is what takes the time), with an
isolated, empty AZURE_CONFIG_DIR, no network needed: the CLI parses before it needs a token.
"""

import io
import json
import os
import shlex
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REFERENCE_DIR = os.path.join(os.path.dirname(HERE), "az_reference")

# Arguments every command accepts (the CLI's global arguments).
GLOBAL = {"--subscription", "--query", "--output", "-o", "--only-show-errors", "--debug",
          "--verbose", "--help", "-h"}


def load_references():
    """{"az ml x y": (accepted options, required option groups)} and the groups the reference
    files cover, from tests/az_reference/*.txt: a `groups: az ml, ...` line, then lines
    `az ml x y | required: -n/--name, -g/--resource-group | optional: ...`."""
    table, groups = {}, []
    for fname in sorted(os.listdir(REFERENCE_DIR)):
        if not fname.endswith(".txt"):
            continue
        with open(os.path.join(REFERENCE_DIR, fname), encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if not line or line.startswith("#"):
                    continue
                if line.startswith("groups:"):
                    groups += [g.strip() for g in line[len("groups:"):].split(",") if g.strip()]
                    continue
                parts = [p.strip() for p in line.split("|")]
                name, required, accepted = parts[0], [], set()
                for p in parts[1:]:
                    key, _, vals = p.partition(":")
                    for v in filter(None, (x.strip() for x in vals.split(","))):
                        aliases = v.split("/")
                        accepted.update(aliases)
                        if key.strip() == "required":
                            required.append(aliases)
                table[name] = (accepted, required)
    return table, groups


def covered(args, groups):
    """Whether `args` (without the leading az) are in a group the reference text covers."""
    line = "az " + " ".join(a for a in args if not a.startswith("-"))
    return any(line == g or line.startswith(g + " ") for g in groups)


def check_reference(args, table):
    """None when `args` (without the leading az) fit the reference, else why not."""
    words = []
    for a in args:
        if a.startswith("-"):
            break
        words.append(a)
    name = "az " + " ".join(words)
    if name not in table:
        return f"'{name}' is not in the reference text"
    accepted, required = table[name]
    given = [a.split("=", 1)[0] for a in args[len(words):] if a.startswith("-") and not is_number(a)]
    for g in given:
        if g not in accepted and g not in GLOBAL:
            return f"unrecognized argument {g} (reference of '{name}')"
    for aliases in required:
        if not any(a in given for a in aliases):
            return f"the following arguments are required: {'/'.join(aliases)} (reference of '{name}')"
    return None


def is_number(s):
    try:
        float(s)
        return True
    except ValueError:
        return False


# The CLI's log handlers keep the stream they were created with: one buffer for the whole run.
ERR = io.StringIO()


def parse_with_cli(args):
    """(ok, why) from invoking the real CLI."""
    from azure.cli.core import get_default_cli

    cli = get_default_cli()
    out = io.StringIO()
    start = ERR.tell()
    real_err, sys.stderr = sys.stderr, ERR
    code = None
    try:
        code = cli.invoke(args, out_file=out)
    except SystemExit as e:
        code = e.code
    except Exception as e:  # pylint: disable=broad-except
        code = 1
        ERR.write(f"{type(e).__name__}: {e}\n")
    finally:
        sys.stderr = real_err
    ERR.seek(start)
    text = ERR.read()
    ERR.seek(0, io.SEEK_END)
    if os.environ.get("AZPARSE_DEBUG"):
        real_err.write(f"--- {args}: code {code}\n{text}\n")
    low = text.lower()
    if "unable to prompt" in low or "no tty available" in low:
        return False, "asks for a confirmation (add --yes): " + first_line(text)
    parse_markers = ["unrecognized arguments", "the following arguments are required",
                     "is misspelled or not recognized by the system", "is not in the",
                     "invalid choice", "expected one argument", "not allowed with argument",
                     "usage error"]
    if code == 2 or any(m in low for m in parse_markers):
        return False, first_line(text) or f"exit code {code}"
    # A command that asks before it acts (its registration says so) would hang a script
    # without --yes: the prompt comes after the sign-in check, so look at the registration.
    try:
        table = cli.invocation.commands_loader.command_table
        name = cli.invocation.data.get("command_string") or ""
        cmd = table.get(name)
        if cmd is not None and getattr(cmd, "confirmation", None) and "--yes" not in args and "-y" not in args:
            return False, f"'az {name}' asks for a confirmation: add --yes"
    except AttributeError:
        pass
    return True, first_line(text)


def first_line(text):
    for line in text.splitlines():
        line = line.strip()
        if line and not line.lower().startswith("warning"):
            return line[:300]
    return ""


def main():
    cfg = tempfile.mkdtemp(prefix="azfailover-azparse-")
    os.environ["AZURE_CONFIG_DIR"] = cfg
    os.environ["AZURE_CORE_COLLECT_TELEMETRY"] = "false"
    os.environ["AZURE_CORE_NO_COLOR"] = "true"
    os.environ["AZURE_EXTENSION_USE_DYNAMIC_INSTALL"] = "no"
    os.environ["AZURE_CORE_SURVEY_MESSAGE"] = "false"
    table, groups = load_references()
    for raw in sys.stdin:
        line = raw.strip()
        if not line:
            continue
        try:
            args = shlex.split(line)
        except ValueError as e:
            print(json.dumps({"cmd": line, "ok": False, "why": f"not a shell command line: {e}"}), flush=True)
            continue
        if not args or args[0] != "az":
            print(json.dumps({"cmd": line, "ok": False, "why": "does not start with az"}), flush=True)
            continue
        args = args[1:]
        if covered(args, groups):
            why = check_reference(args, table)
            print(json.dumps({"cmd": line, "ok": why is None, "why": why or "matches the reference text", "by": "reference"}), flush=True)
            continue
        t0 = time.time()
        ok, why = parse_with_cli(args)
        print(json.dumps({"cmd": line, "ok": ok, "why": why, "by": "cli", "secs": round(time.time() - t0, 2)}), flush=True)


if __name__ == "__main__":
    main()
