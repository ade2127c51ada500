#!/usr/bin/env bash
# Fetches what the integration tests need beyond node_modules (`npm test` runs it first):
# - Debian's Chromium for the dashboard's browser test (playwright-core downloads no browser);
# - cfn-lint (PyPI) in a virtual environment at .cache/pyvenv, for infra/test/cfn-lint.int.test.ts;
# - schemathesis (PyPI, pinned) in its own virtual environment at .cache/schemathesis, for the API
#   fuzz run of test/api/api-fuzz.int.test.ts;
# - an Apache Kafka broker (KRaft, single node) from Maven Central, run by
#   test/services/kafka-broker.ts, once, into .cache/. No npm or Debian package holds a Kafka
#   broker (DESIGN.md section 9).
#
# Needs Java 17+ (Kafka 4 brokers do not run on older JVMs) and Maven. On a Debian machine without
# them, as root, this script installs openjdk-17-jre-headless and maven with apt-get.
#
#   bash scripts/prepare-test-services.sh          # idempotent: does nothing when the jars are there
#   GEQO_KAFKA_VERSION=4.1.1 bash scripts/...      # another 4.x (the client supports 3.5 to 4.1)
set -euo pipefail
cd "$(dirname "$0")/.."

KAFKA_VERSION="${GEQO_KAFKA_VERSION:-4.1.2}"
# log4j2 and slf4j 2 bindings so the broker writes a readable log (kafka_2.13 leaves them out).
LOG4J_VERSION=2.25.3
SLF4J_VERSION=2.0.17
DEPENDENCY_PLUGIN=org.apache.maven.plugins:maven-dependency-plugin:3.8.1
CACHE_DIR=".cache/kafka/${KAFKA_VERSION}"
LIBS_DIR="${CACHE_DIR}/libs"
MARKER="${CACHE_DIR}/.complete"

install_with_apt() {
  if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null; then
    echo "installing $* with apt-get"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
  else
    echo "missing: $* (install them, e.g. apt-get install $*)" >&2
    exit 1
  fi
}

if [[ ! -x /usr/bin/chromium ]]; then
  install_with_apt chromium
fi

# cfn-lint in its own virtual environment: Debian's Python refuses a system-wide pip install.
PYVENV=.cache/pyvenv
if [[ ! -x "${PYVENV}/bin/cfn-lint" ]]; then
  if ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
    install_with_apt python3-venv
  fi
  echo "cfn-lint: installing into ${PYVENV}"
  python3 -m venv "${PYVENV}"
  "${PYVENV}/bin/pip" install --quiet --disable-pip-version-check cfn-lint
fi

# schemathesis in a virtual environment of its own (its dependencies are not cfn-lint's), pinned:
# a new release may generate other requests, and a test run should not change under our feet.
SCHEMATHESIS_VERSION=4.32.5
STVENV=.cache/schemathesis
if [[ "$("${STVENV}/bin/st" --version 2>/dev/null)" != *"${SCHEMATHESIS_VERSION}"* ]]; then
  if ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
    install_with_apt python3-venv
  fi
  echo "schemathesis ${SCHEMATHESIS_VERSION}: installing into ${STVENV}"
  python3 -m venv "${STVENV}"
  "${STVENV}/bin/pip" install --quiet --disable-pip-version-check "schemathesis==${SCHEMATHESIS_VERSION}"
fi

if [[ -f "${MARKER}" ]]; then
  echo "kafka ${KAFKA_VERSION}: jars already in ${LIBS_DIR}"
  exit 0
fi


java_major() {
  java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1
}
if ! command -v java >/dev/null || [[ "$(java_major)" -lt 17 ]]; then
  install_with_apt openjdk-17-jre-headless
fi
if ! command -v mvn >/dev/null; then
  install_with_apt maven
fi

mkdir -p "${CACHE_DIR}"
cat > "${CACHE_DIR}/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>geqo.test-services</groupId>
  <artifactId>kafka-broker</artifactId>
  <version>${KAFKA_VERSION}</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.apache.kafka</groupId>
      <artifactId>kafka_2.13</artifactId>
      <version>${KAFKA_VERSION}</version>
    </dependency>
    <dependency>
      <groupId>org.slf4j</groupId>
      <artifactId>slf4j-api</artifactId>
      <version>${SLF4J_VERSION}</version>
    </dependency>
    <dependency>
      <groupId>org.apache.logging.log4j</groupId>
      <artifactId>log4j-slf4j2-impl</artifactId>
      <version>${LOG4J_VERSION}</version>
    </dependency>
  </dependencies>
</project>
POM

echo "kafka ${KAFKA_VERSION}: fetching kafka_2.13 and its runtime dependencies from Maven Central"
rm -rf "${LIBS_DIR}"
mvn -B -q -f "${CACHE_DIR}/pom.xml" "${DEPENDENCY_PLUGIN}:copy-dependencies" \
  -DincludeScope=runtime -DoutputDirectory="$(pwd)/${LIBS_DIR}" >"${CACHE_DIR}/mvn.log" 2>&1 || {
  cat "${CACHE_DIR}/mvn.log" >&2
  exit 1
}
test -f "${LIBS_DIR}/kafka_2.13-${KAFKA_VERSION}.jar"
touch "${MARKER}"
echo "kafka ${KAFKA_VERSION}: $(ls "${LIBS_DIR}" | wc -l) jars in ${LIBS_DIR}"
