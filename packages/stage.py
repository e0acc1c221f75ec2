#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Build tool (packages/meson.build): stage recipe directories for `zhushou pack build`.

stage.py STAGE RECIPE_DIR... --built FILE... -- PACK_COMMAND...

Empties STAGE, then for each RECIPE_DIR (packages/<id> in the source tree) writes
STAGE/<id>/recipe.json and every file its files[].src names: taken from RECIPE_DIR when it is
there (data files), else from the --built file of the same name (binaries, certificates made
at build time). A name that is found nowhere or twice is an error. Then runs PACK_COMMAND (the
pack build, which reads STAGE). It copies nothing a recipe does not name, so the pack cannot
pick up sources or stray build files.
"""
import json
import os
import shutil
import subprocess
import sys


def die(msg):
    print(f"stage.py: {msg}", file=sys.stderr)
    sys.exit(1)


def main(argv):
    if "--" not in argv or "--built" not in argv:
        die("usage: stage.py STAGE RECIPE_DIR... --built FILE... -- PACK_COMMAND...")
    sep = argv.index("--")
    args, command = argv[:sep], argv[sep + 1:]
    b = args.index("--built")
    stage, recipes, built = args[0], args[1:b], args[b + 1:]
    if not recipes or not command:
        die("no recipe directory or no pack command")

    by_name = {}
    for f in built:
        name = os.path.basename(f)
        if name in by_name:
            die(f"two built files named '{name}'")
        by_name[name] = f

    if os.path.isdir(stage):
        shutil.rmtree(stage)
    os.makedirs(stage)
    for rdir in recipes:
        rid = os.path.basename(os.path.normpath(rdir))
        try:
            with open(os.path.join(rdir, "recipe.json"), encoding="utf-8") as fh:
                recipe = json.load(fh)
        except (OSError, ValueError) as e:
            die(f"cannot read '{rdir}/recipe.json': {e}")
        if recipe.get("id") != rid:
            die(f"'{rdir}/recipe.json' has id '{recipe.get('id')}', not its directory's")
        out = os.path.join(stage, rid)
        os.makedirs(out)
        shutil.copyfile(os.path.join(rdir, "recipe.json"), os.path.join(out, "recipe.json"))
        for entry in recipe.get("files", []):
            src = entry.get("src", "")
            # pack build checks the path rules; here only what could escape the stage.
            if not src or os.path.isabs(src) or ".." in src.split("/"):
                die(f"'{rdir}/recipe.json': bad src '{src}'")
            local = os.path.join(rdir, src)
            name = os.path.basename(src)
            if os.path.isfile(local):
                if name in by_name:
                    die(f"'{src}' is both in '{rdir}' and built")
                origin = local
            elif name in by_name:
                origin = by_name[name]
            else:
                die(f"'{rdir}/recipe.json': '{src}' is neither in the recipe directory nor built")
            dst = os.path.join(out, src)
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            shutil.copyfile(origin, dst)
    return subprocess.call(command)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
