#!/usr/bin/env bash
# Prints the home of a JDK ≥ 25: $JAVA_HOME if it qualifies, else the newest under /usr/lib/jvm.
# Exits 1 with a message on stderr when there is none.
set -u
version_of() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -n1; }
ok() { local v; v=$(version_of "$1"); [ -n "$v" ] && [ "${v%%.*}" -ge 25 ] 2>/dev/null; }
if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ] && ok "$JAVA_HOME"; then echo "$JAVA_HOME"; exit 0; fi
best=""; bestv=0
for d in /usr/lib/jvm/*; do
  [ -x "$d/bin/javac" ] || continue
  v=$(version_of "$d"); v=${v%%.*}
  if [ -n "$v" ] && [ "$v" -ge 25 ] 2>/dev/null && [ "$v" -gt "$bestv" ]; then best=$d; bestv=$v; fi
done
if [ -z "$best" ]; then
  echo "saccade needs a JDK 25 or newer (with javac): set JAVA_HOME to one, or install e.g. Temurin 25 under /usr/lib/jvm." >&2
  exit 1
fi
echo "$best"
