"""The Kafka broker's jars: fetched once from Maven Central with `mvn` into a git-ignored cache."""

import functools
import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from devstack.errors import DevstackError, MissingPrerequisite

# The newest Apache Kafka that aiokafka 0.14 and faust-streaming 0.15.3 were tested with (README).
KAFKA_VERSION = "4.4.0"
MIN_JAVA = 17
NO_PERF_DATA = "-XX:-UsePerfData"  # every JVM we start: no /tmp/hsperfdata_<user> left behind

LOCAL_DIR = Path(__file__).resolve().parents[2]  # deploy/local (devstack is installed editable)
POM = LOCAL_DIR / "kafka" / "pom.xml"
LOG4J_CONFIG = LOCAL_DIR / "kafka" / "log4j2.properties"


def cache_dir() -> Path:
    return Path(os.environ.get("DEVSTACK_CACHE_DIR", LOCAL_DIR / ".cache"))


def kafka_version() -> str:
    return os.environ.get("DEVSTACK_KAFKA_VERSION", KAFKA_VERSION)


def java_executable() -> str:
    """The `java` to run the broker with, after checking it is there and new enough."""
    java_home = os.environ.get("JAVA_HOME")
    java = str(Path(java_home) / "bin" / "java") if java_home else shutil.which("java")
    install = (
        f"Java {MIN_JAVA}+ is needed for the local Kafka broker: install it "
        "(Debian: apt-get install openjdk-17-jre-headless)"
    )
    if not java or not Path(java).exists():
        raise MissingPrerequisite(install)
    match = re.search(r'version "(\d+)(?:\.(\d+))?', _version_text(java))
    major = int(match.group(1)) if match else 0
    if major == 1 and match and match.group(2):  # "1.8.0_392" style
        major = int(match.group(2))
    if major < MIN_JAVA:
        raise MissingPrerequisite(f"{install}; found Java {major or 'unknown'} at {java}")
    return java


def class_archive(java: str, jars: Path) -> Path:
    """Where this JVM's class-data-sharing archive of the broker lives: it halves the JVM part of
    the broker's start. A JVM update gets a new name instead of an archive it would reject."""
    fingerprint = hashlib.sha256(_version_text(java).encode()).hexdigest()[:12]
    return jars / f"classes-{fingerprint}.jsa"


def java_version_line() -> str:
    return _version_text(java_executable()).strip().splitlines()[0]


@functools.cache
def _version_text(java: str) -> str:
    return subprocess.run(
        [java, NO_PERF_DATA, "-version"], capture_output=True, text=True, check=False
    ).stderr


def jars_dir(version: str | None = None) -> Path:
    return cache_dir() / f"kafka-{version or kafka_version()}"


def ensure_jars(version: str | None = None) -> Path:
    """The folder with the broker's runtime jars, downloading them first if they are missing."""
    version = version or kafka_version()
    target = jars_dir(version)
    if _complete(target, version):
        return target
    mvn = maven_executable()
    target.parent.mkdir(parents=True, exist_ok=True)
    # Download beside the target and rename, so an interrupted or concurrent fetch never
    # leaves a half-filled cache behind.
    staging = Path(tempfile.mkdtemp(prefix=f".kafka-{version}-", dir=target.parent))
    try:
        result = subprocess.run(
            [mvn, "-q", "-B", "-f", str(POM), "dependency:copy-dependencies",
             "-DincludeScope=runtime", f"-DoutputDirectory={staging}",
             f"-Dkafka.version={version}"],
            capture_output=True, text=True, check=False,
            env={**os.environ, "MAVEN_OPTS": f"{os.environ.get('MAVEN_OPTS', '')} {NO_PERF_DATA}"},
        )  # fmt: skip
        if result.returncode != 0 or not _complete(staging, version):
            tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-10:])
            raise DevstackError(
                f"could not download Kafka {version} jars with mvn (is Maven Central reachable?)"
                f"\n  | {tail}"
            )
        try:
            staging.rename(target)
        except OSError:
            if not _complete(target, version):  # somebody else's fetch won the race: fine
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def check_prerequisites(version: str | None = None) -> None:
    """Fails with an install hint before anything starts: Java always, Maven until cached."""
    java_executable()
    version = version or kafka_version()
    if not is_cached(version):
        maven_executable()


def maven_executable() -> str:
    mvn = shutil.which("mvn")
    if not mvn:
        raise MissingPrerequisite(
            "Maven is needed once to download the Kafka broker jars: install it "
            "(Debian: apt-get install maven)"
        )
    return mvn


def is_cached(version: str | None = None) -> bool:
    version = version or kafka_version()
    return _complete(jars_dir(version), version)


def _complete(folder: Path, version: str) -> bool:
    return (folder / f"kafka_2.13-{version}.jar").exists() and any(folder.glob("log4j-slf4j*.jar"))
