# Sourced by bench.sh and scripts/example-pipeline.sh (from the project root): builds
# target/sparktrain.jar and target/sparktrain-tools.jar (src/tools) when their sources are newer,
# and target/classpath.txt (Spark and the other provided jars); sets JAR, TOOLS, CP_FILE, mvn_q.
JAR=target/sparktrain.jar
TOOLS=target/sparktrain-tools.jar
CP_FILE=target/classpath.txt

mvn_q() { mvn -q -B -o "$@" >&2 2>/dev/null || mvn -q -B "$@" >&2; }

# Each jar against its own sources: Maven rewrites a jar only when its classes change.
newest_source=$( { find pom.xml src/main -newer "$JAR" -print -quit; find src/tools -newer "$TOOLS" -print -quit; } 2>/dev/null || echo rebuild)
if [ ! -f "$JAR" ] || [ ! -f "$TOOLS" ] || [ -n "$newest_source" ]; then
  echo "$(basename "$0"): building $JAR and $TOOLS" >&2
  mvn_q -DskipTests package
fi
if [ ! -f "$CP_FILE" ] || [ pom.xml -nt "$CP_FILE" ]; then
  mvn_q dependency:build-classpath -Dmdep.outputFile="$CP_FILE" -Dmdep.includeScope=provided
fi
# The --add-opens list Spark itself passes on Java 17 (kept in the pom for tests and submit.sh).
JVM_FLAGS=$(sed -n 's:.*<spark.jvm.flags>\(.*\)</spark.jvm.flags>.*:\1:p' pom.xml)
