# Sourced by .ci/run and ./demo: makes JAVA_HOME point at a JDK 25 or newer, or stops with a
# message that says how to get one. Maven itself must run on JDK 25 (the jar tool that builds
# the modular jars runs inside Maven's JVM).
java_major() {
  "$1" -version 2>&1 | awk -F'"' '/version/ {split($2, v, "."); print (v[1] == "1" ? v[2] : v[1]); exit}'
}
pick_jdk25() {
  local candidates=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v java >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  for d in /usr/lib/jvm/* /opt/java/* /opt/jdk* "$HOME"/.sdkman/candidates/java/*; do
    [ -d "$d" ] && candidates+=("$d")
  done
  for home in "${candidates[@]}"; do
    if [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ]; then
      local major
      major=$(java_major "$home/bin/java")
      if [ -n "$major" ] && [ "$major" -ge 25 ] 2>/dev/null; then
        export JAVA_HOME="$home"
        export PATH="$home/bin:$PATH"
        return 0
      fi
    fi
  done
  echo "Switchover needs a JDK 25 or newer, and none was found (looked at JAVA_HOME, java on the PATH and /usr/lib/jvm)." >&2
  echo "Install one (e.g. Temurin 25) and set JAVA_HOME to it." >&2
  return 1
}
