#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The Group Policy template against the C side and against itself.

policy/zhushou.admx must write exactly the registry values src/core/policy.h reads (its
#define lines: the key and every value name), each with a type its header comment allows, as a
Computer policy; every $(string.X) and $(presentation.X) it uses must exist in both ADMLs,
which must hold nothing else and the same ids; each presentation's text boxes must be the
text elements of the policy that shows it. xmllint checks the structure (tests/policy/*.xsd);
this checks what a schema cannot see.

Usage: check.py SOURCE_ROOT
"""
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

NS = "{http://schemas.microsoft.com/GroupPolicy/2006/07/PolicyDefinitions}"
LANGS = ("en-US", "zh-CN")
SUPPORTED_ON = "windows:SUPPORTED_Windows7"
WINDOWS_NS = "Microsoft.Policies.Windows"
XML_DECL = '<?xml version="1.0" encoding="utf-8"?>'
STRING_REF = re.compile(r"\$\(string\.([^)]*)\)")
PRESENTATION_REF = re.compile(r"\$\(presentation\.([^)]*)\)")
CJK = re.compile(r"[\u4e00-\u9fff]")

problems = []


def fail(msg):
    problems.append(msg)


def c_string(lit):
    """The value of a C string literal without escapes other than \\\\ and \\"."""
    return re.sub(r'\\(["\\])', r"\1", lit)


def read_header(path):
    """(key, {value name: allowed registry types}) from policy.h."""
    text = path.read_text(encoding="utf-8")
    defines = dict(re.findall(r'^#define\s+(ZH_POLICY_\w+)\s+"((?:[^"\\]|\\.)*)"', text, re.M))
    if "ZH_POLICY_KEY" not in defines:
        fail(f"{path}: no #define ZH_POLICY_KEY")
        return None, {}
    key = c_string(defines.pop("ZH_POLICY_KEY"))
    names = [c_string(v) for v in defines.values()]
    if not names:
        fail(f"{path}: no ZH_POLICY_* value name defined")
    # The header comment lists each value with its types: " *   Name   REG_SZ / REG_EXPAND_SZ  ..."
    types = {}
    for name, spec in re.findall(r"^\s*\*\s+(\w+)\s+(REG_\w+(?:\s*/\s*REG_\w+)*)", text, re.M):
        types[name] = {t.strip() for t in spec.split("/")}
    values = {}
    for n in names:
        if n not in types:
            fail(f"{path}: the header comment gives no registry type for '{n}'")
        values[n] = types.get(n, set())
    return key, values


def parse(path):
    """The root element, or None (named) when the file is not well-formed XML."""
    try:
        return ET.parse(path).getroot()
    except (ET.ParseError, OSError) as e:
        fail(f"{path}: cannot parse: {e}")
        return None


def value_type(value_el):
    """The registry type an <enabledValue>/<disabledValue> writes."""
    child = list(value_el)[0]
    tag = child.tag.replace(NS, "")
    return {"decimal": "REG_DWORD", "longDecimal": "REG_QWORD", "string": "REG_SZ"}.get(tag)


def read_admx(path):
    """(root, [(policy name, class, key, value name, type, policy element)])."""
    root = parse(path)
    writes = []
    if root is None:
        return None, writes
    for pol in root.iter(NS + "policy"):
        name = pol.get("name")
        cls, key = pol.get("class"), pol.get("key")
        for tag in ("enabledList", "disabledList"):
            if pol.find(NS + tag) is not None:
                fail(f"{path}: policy '{name}': {tag} is not understood by this check")
        if pol.get("valueName") is not None:
            types = set()
            for tag in ("enabledValue", "disabledValue"):
                v = pol.find(NS + tag)
                if v is not None and value_type(v) is not None:
                    types.add(value_type(v))
            # Without enabledValue/disabledValue a policy writes REG_DWORD 1 / 0.
            for t in types or {"REG_DWORD"}:
                writes.append((name, cls, key, pol.get("valueName"), t, pol))
        elements = pol.find(NS + "elements")
        for el in list(elements) if elements is not None else []:
            tag = el.tag.replace(NS, "")
            if tag != "text":
                fail(f"{path}: policy '{name}': element <{tag}> is not understood by this check")
                continue
            t = "REG_EXPAND_SZ" if el.get("expandable") == "true" else "REG_SZ"
            writes.append((name, cls, el.get("key") or key, el.get("valueName"), t, pol))
    return root, writes


def check_policies(path, root, writes, key, values):
    seen = {}
    for name, cls, k, vname, t, pol in writes:
        where = f"{path}: policy '{name}', value '{vname}'"
        if cls != "Machine":
            fail(f"{where}: class is '{cls}', not Machine (policy.h reads HKLM)")
        if k != key:
            fail(f"{where}: key '{k}' is not policy.h's '{key}'")
        if vname not in values:
            fail(f"{where}: policy.h reads no such value")
            continue
        seen.setdefault(vname, []).append(name)
        if values[vname] and t not in values[vname]:
            allowed = " or ".join(sorted(values[vname]))
            fail(f"{where}: written as {t}; policy.h reads {allowed}")
        if t == "REG_DWORD":
            for tag, want in (("enabledValue", 1), ("disabledValue", 0)):
                v = pol.find(f"{NS}{tag}/{NS}decimal")
                got = None if v is None else v.get("value")
                if got != str(want):
                    fail(f"{where}: {tag} is {got}, want decimal {want} (policy.h: 0 or 1)")
    for vname in values:
        if vname not in seen:
            fail(f"{path}: no policy writes '{vname}' (policy.h reads it)")
        elif len(seen[vname]) > 1:
            fail(f"{path}: '{vname}' is written by more than one policy: {seen[vname]}")

    prefixes = {u.get("prefix"): u.get("namespace") for u in root.iter(NS + "using")}
    if prefixes.get("windows") != WINDOWS_NS:
        fail(f"{path}: no <using prefix=\"windows\" namespace=\"{WINDOWS_NS}\">")
    categories = {c.get("name") for c in root.iter(NS + "category")}
    for pol in root.iter(NS + "policy"):
        name = pol.get("name")
        s = pol.find(NS + "supportedOn")
        if s is None or s.get("ref") != SUPPORTED_ON:
            fail(f"{path}: policy '{name}' is not supportedOn {SUPPORTED_ON}")
        for parent in [pol.find(NS + "parentCategory")] + [
                c.find(NS + "parentCategory") for c in root.iter(NS + "category")]:
            if parent is None:
                continue
            ref = parent.get("ref")
            prefix = ref.split(":", 1)[0] if ":" in ref else None
            if prefix is None and ref not in categories:
                fail(f"{path}: parentCategory '{ref}' is not a category of this file")
            elif prefix is not None and prefix not in prefixes:
                fail(f"{path}: parentCategory '{ref}' uses an unknown prefix")


def refs(root, pattern):
    out = set()
    for el in root.iter():
        for v in el.attrib.values():
            out.update(pattern.findall(v))
    return out


def check_language(admx_path, admx_root, adml_path, lang):
    adml = parse(adml_path)
    if adml is None:
        return {}, {}
    strings = {s.get("id"): s.text or "" for s in adml.iter(NS + "string")}
    presentations = {p.get("id"): p for p in adml.iter(NS + "presentation")}
    used_strings = refs(admx_root, STRING_REF)
    used_presentations = refs(admx_root, PRESENTATION_REF)
    for sid in sorted(used_strings - strings.keys()):
        fail(f"{adml_path}: no string '{sid}' ($(string.{sid}) in {admx_path.name})")
    for sid in sorted(strings.keys() - used_strings):
        fail(f"{adml_path}: string '{sid}' is not used by {admx_path.name}")
    for pid in sorted(used_presentations - presentations.keys()):
        fail(f"{adml_path}: no presentation '{pid}' ($(presentation.{pid}) in {admx_path.name})")
    for pid in sorted(presentations.keys() - used_presentations):
        fail(f"{adml_path}: presentation '{pid}' is not used by {admx_path.name}")
    # A presentation's controls edit exactly the elements of the policy that shows it.
    for pol in admx_root.iter(NS + "policy"):
        m = PRESENTATION_REF.fullmatch(pol.get("presentation") or "")
        ids = [e.get("id") for e in pol.iterfind(f"{NS}elements/*")]
        if m is None:
            if ids:
                fail(f"{admx_path}: policy '{pol.get('name')}' has elements but no presentation")
            continue
        pres = presentations.get(m.group(1))
        if pres is None:
            continue
        controls = [c.get("refId") for c in pres if c.get("refId") is not None]
        if sorted(controls) != sorted(ids):
            fail(f"{adml_path}: presentation '{m.group(1)}' edits {controls}, "
                 f"policy '{pol.get('name')}' has {ids}")
    if lang == "zh-CN":
        for sid, text in strings.items():
            if not CJK.search(text):
                fail(f"{adml_path}: string '{sid}' has no Chinese text")
    return strings, presentations


def report(summary):
    for p in problems:
        print(f"FAIL {p}")
    if not problems:
        print(summary)
    return 1 if problems else 0


def main():
    root_dir = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    header = root_dir / "src/core/policy.h"
    admx_path = root_dir / "policy/zhushou.admx"
    adml_paths = {lang: root_dir / "policy" / lang / "zhushou.adml" for lang in LANGS}

    for p in [admx_path, *adml_paths.values()]:
        try:
            text = p.read_bytes().decode("utf-8")
        except UnicodeDecodeError as e:
            fail(f"{p}: not UTF-8 ({e})")
            continue
        if not text.startswith(XML_DECL):
            fail(f"{p}: does not start with {XML_DECL}")

    key, values = read_header(header)
    admx_root, writes = read_admx(admx_path)
    if admx_root is None:  # nothing to compare the languages with
        return report("")
    if key is not None:
        check_policies(admx_path, admx_root, writes, key, values)

    ids = {}
    for lang, p in adml_paths.items():
        strings, presentations = check_language(admx_path, admx_root, p, lang)
        controls = {pid: [(c.tag, c.get("refId")) for c in pres]
                    for pid, pres in presentations.items()}
        ids[lang] = (set(strings), controls)
    first, second = LANGS
    if ids[first][0] != ids[second][0]:
        fail(f"string ids differ between {first} and {second}: "
             f"{sorted(ids[first][0] ^ ids[second][0])}")
    if ids[first][1] != ids[second][1]:
        fail(f"presentations differ between {first} and {second}")

    return report(f"ok: {len(values)} values of policy.h under {key}, "
                  f"{len(refs(admx_root, STRING_REF))} strings and "
                  f"{len(refs(admx_root, PRESENTATION_REF))} presentations in "
                  f"{', '.join(LANGS)}")


if __name__ == "__main__":
    sys.exit(main())
