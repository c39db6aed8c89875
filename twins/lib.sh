# shellcheck shell=bash
# Shared by twins/*/build.sh: a scratch folder for Maven (removed on exit) and Maven run quietly.
#   twin_maven_setup POM   copy POM into a new scratch folder ($work)
#   mvn_quiet ARGS...      mvn -q -B -C (fail on a checksum mismatch) in $work; its output only when it fails
twin_maven_setup() {
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  cp "$1" "$work/pom.xml"
}
mvn_quiet() {
  (cd "$work" && mvn -q -B -C -Dstyle.color=never "$@") >"$work/mvn.log" 2>&1 || { cat "$work/mvn.log" >&2; exit 1; }
}
