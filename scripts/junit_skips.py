#!/usr/bin/env python3
"""Lists the tests that JUnit skipped (assumption failures, "aborted") in JUnit XML reports, with their reasons, and
sorts them into expected and unexpected skips for saccade's GPU check.

Expected on a GPU machine: the no-GPU-only test ("a GPU is present; ...") and the stand-in library tests when the
machine has no usable C compiler ("no C compiler ..."). Anything else - "no CUDA", "cuDNN not installed",
"cuBLAS not installed", or a skip whose reason cannot be read - is unexpected: the check did not run.

Reads the console launcher's legacy XML (TEST-junit-jupiter.xml) and surefire's TEST-*.xml alike.
Usage: python3 scripts/junit_skips.py REPORT_DIR   (prints one line per skip; exit status = unexpected skips, max 100)
"""
import glob
import os
import re
import sys
import xml.etree.ElementTree as ET

EXPECTED = ("a GPU is present", "no C compiler", "the C compiler cannot build")


def skips(report_dir):
    """(test name, reason) for every skipped test case in the reports under report_dir."""
    out = []
    for path in sorted(glob.glob(os.path.join(report_dir, "**", "*.xml"), recursive=True)):
        try:
            root = ET.parse(path).getroot()
        except ET.ParseError as e:
            out.append((path, "unreadable report: %s" % e))
            continue
        for case in root.iter("testcase"):
            skipped = case.find("skipped")
            if skipped is None:
                continue
            text = (skipped.get("message") or "") + "\n" + (skipped.text or "")
            m = re.search(r"Assumption failed: ([^\n]*)", text)
            reason = m.group(1).strip() if m else text.strip().splitlines()[0] if text.strip() else ""
            out.append(("%s.%s" % (case.get("classname", "?"), case.get("name", "?")), reason))
    return out


def main():
    if len(sys.argv) != 2:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 100
    unexpected = 0
    for name, reason in skips(sys.argv[1]):
        ok = reason.startswith(EXPECTED)
        unexpected += 0 if ok else 1
        print("%s skip: %s: %s" % ("expected" if ok else "UNEXPECTED", name, reason or "(no reason given)"))
    return min(unexpected, 100)


if __name__ == "__main__":
    sys.exit(main())
